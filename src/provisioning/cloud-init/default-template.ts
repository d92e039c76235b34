// The template used when a NodeGroup names none. It expects an OS image with containerd, kubelet
// and kubeadm (of the NodeGroup's kubernetesVersion) already installed; the templates in
// deploy/examples/cloud-init install them at boot instead. It:
// - sets the hostname to the node name, which is how the autoscaler finds the node again;
// - installs the merged SSH public keys for the image's default user;
// - writes a kubeadm JoinConfiguration (readable by root only: it holds the bootstrap token) with
//   the node name, the NodeGroup's taints and, as kubelet --node-labels, its labels, so the node
//   registers already labelled and tainted and no pod lands on it before the taints apply;
// - runs `kubeadm join --config` on that file, as an argument list (no shell involved).
// kubeadm.k8s.io/v1beta4 needs kubeadm 1.31 or newer; clusters on older versions need a template
// with v1beta3, whose kubeletExtraArgs is a map.
// Every {{value}} is a whole YAML value; see escape.ts for why that matters.
export const DEFAULT_CLOUD_INIT_TEMPLATE = `#cloud-config
hostname: {{NodeName}}
manage_etc_hosts: true
ssh_authorized_keys: {{SSHAuthorizedKeys}}
write_files:
  - path: /etc/kubernetes/kubeadm-join.yaml
    owner: root:root
    permissions: "0600"
    content: |
      apiVersion: kubeadm.k8s.io/v1beta4
      kind: JoinConfiguration
      discovery:
        bootstrapToken:
          apiServerEndpoint: {{ClusterEndpoint}}
          token: {{JoinToken}}
          caCertHashes: [{{CACertHash}}]
      nodeRegistration:
        name: {{NodeName}}
        taints: {{NodeTaints}}
        {{#if (joinLabels NodeLabels)}}
        kubeletExtraArgs:
          - name: node-labels
            value: {{joinLabels NodeLabels}}
        {{/if}}
runcmd:
  - [kubeadm, join, --config, /etc/kubernetes/kubeadm-join.yaml]
`;
