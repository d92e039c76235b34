// How large rendered user-data may be.
//
// VPSie documents no limit for `userData`, and its API cannot be probed from here. 64 KiB is the
// limit of the comparable clouds that state one (DigitalOcean, IBM Cloud VPC, vSphere guestinfo);
// OpenStack Nova allows 65535 bytes of base64 (about 48 KiB of text), AWS 16 KiB, Hetzner 32 KiB.
// The NodeGroup CRD already caps an inline template at 32 KiB (MAX_CLOUD_INIT_TEMPLATE_LENGTH);
// this cap is for the rendered result, which also holds the variables and the SSH keys. Change it
// here if VPSie turns out to reject smaller documents: nothing else hard-codes it.
export const MAX_USER_DATA_BYTES = 64 * 1024;
