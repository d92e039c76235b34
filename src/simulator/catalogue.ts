// What the simulated account owns before any VM exists: datacenters, plans, OS images and SSH
// keys. Identifiers are fixed so tests and demos can name them; the keys are real OpenSSH public
// key lines (their private halves were thrown away when they were generated).

export interface SimDatacenter {
  id: number;
  identifier: string;
  name: string;
  code: string;
  country: string;
  city: string;
  continent: string;
  available: boolean;
  featured: boolean;
}

export interface SimPlan {
  id: number;
  /** Doubles as the offering id and the `resourceIdentifier` accepted at create. */
  identifier: string;
  name: string;
  cpu: number;
  ramMb: number;
  diskGb: number;
  trafficGb: number;
  priceMonthly: number;
  category: string;
}

export interface SimOsImage {
  identifier: string;
  name: string;
}

export interface SimSshKey {
  id: number;
  identifier: string;
  name: string;
  publicKey: string;
  createdOn: string;
  createdBy: string;
}

export interface SimCatalogue {
  datacenters: SimDatacenter[];
  plans: SimPlan[];
  osImages: SimOsImage[];
  sshKeys: SimSshKey[];
}

export const SIM_DATACENTERS = {
  newYork: '6b2f0d4e-3c1a-4f7e-9a51-0c5e2d8b7a11',
  frankfurt: '9e4c7a12-58d3-4b6f-8e20-7f1a3c9d5b22',
} as const;

export const SIM_PLANS = {
  small: 'b1c4e7a0-2d5f-4a8b-9c3e-1f6a7d2e4b01',
  medium: 'b1c4e7a0-2d5f-4a8b-9c3e-1f6a7d2e4b02',
  large: 'b1c4e7a0-2d5f-4a8b-9c3e-1f6a7d2e4b03',
} as const;

export const SIM_OS_IMAGES = {
  ubuntu2204: 'c7d1a3e5-6f2b-4c8d-a9e0-3b5f7d1c9e01',
  debian12: 'c7d1a3e5-6f2b-4c8d-a9e0-3b5f7d1c9e02',
} as const;

export const SIM_SSH_KEYS = {
  ops: 'a3f5c7e9-1b2d-4e6f-8a0c-2e4f6a8c0e01',
  ci: 'a3f5c7e9-1b2d-4e6f-8a0c-2e4f6a8c0e02',
  legacy: 'a3f5c7e9-1b2d-4e6f-8a0c-2e4f6a8c0e03',
} as const;

export function defaultCatalogue(): SimCatalogue {
  return {
    datacenters: [
      {
        id: 1,
        identifier: SIM_DATACENTERS.newYork,
        name: 'New York 1',
        code: 'us-nyc-1',
        country: 'United States',
        city: 'New York',
        continent: 'North America',
        available: true,
        featured: true,
      },
      {
        id: 2,
        identifier: SIM_DATACENTERS.frankfurt,
        name: 'Frankfurt 1',
        code: 'de-fra-1',
        country: 'Germany',
        city: 'Frankfurt',
        continent: 'Europe',
        available: true,
        featured: false,
      },
    ],
    plans: [
      plan(11, SIM_PLANS.small, 'Standard 2 vCPU / 4 GB', 2, 4096, 80, 4000, 24),
      plan(12, SIM_PLANS.medium, 'Standard 4 vCPU / 8 GB', 4, 8192, 160, 5000, 48),
      plan(13, SIM_PLANS.large, 'Standard 8 vCPU / 16 GB', 8, 16384, 320, 6000, 96),
    ],
    osImages: [
      { identifier: SIM_OS_IMAGES.ubuntu2204, name: 'Ubuntu 22.04 x64' },
      { identifier: SIM_OS_IMAGES.debian12, name: 'Debian 12 x64' },
    ],
    sshKeys: [
      key(
        101,
        SIM_SSH_KEYS.ops,
        'ops',
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIITt9WrwhwG3rsDcYx1oj2ygbAsYHeGubNEsPdb7YwMy ops@example.com',
      ),
      key(
        102,
        SIM_SSH_KEYS.ci,
        'ci',
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAKsNzLt/5srAp37uehzEOMLmYY/Lo+ChmESctaRbx2F ci@example.com',
      ),
      key(
        103,
        SIM_SSH_KEYS.legacy,
        'legacy',
        'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDW7x3V1FvThUOUsEpansRwp0hjh5fL0ZX1DWXy+SnrFyx6uvwBpV50' +
          'rUJWMS0Rym7sd6vxu9p3CyP1SXP8OSS8e70TLZVz0TrT7QNmwKyq3OHBIgLnOFHsgrY+hy96TA+ET58M3ak5j8S6x7' +
          'dEEKAhYpVtUr1yN4nrncDbc9hle49zL7VMwvGbGDNasoAzIp+hIqO2RE3wgGIFMYn+w8qAQgZR5rZzGNQwvdYsEQ4Q' +
          '3RG2UpCQLLOd7RtXer0QZfY+s3ZNNvfIJac/0XXbXSHVIQydLNslBdindD0ZLyqZibV3JM6llUq7T+x2de5avO41oB' +
          'ztFVddwfCaGIV4dumt legacy@example.com',
      ),
    ],
  };
}

function plan(
  id: number,
  identifier: string,
  name: string,
  cpu: number,
  ramMb: number,
  diskGb: number,
  trafficGb: number,
  priceMonthly: number,
): SimPlan {
  return {
    id,
    identifier,
    name,
    cpu,
    ramMb,
    diskGb,
    trafficGb,
    priceMonthly,
    category: 'standard',
  };
}

function key(id: number, identifier: string, name: string, publicKey: string): SimSshKey {
  return { id, identifier, name, publicKey, createdOn: '2024-01-15 09:30:00', createdBy: 'owner' };
}
