/**
 * The cluster facts the network policies rely on, each with its source.
 */

/**
 * The label the control plane sets on every namespace, its value the
 * namespace's name: the only way a policy names a namespace (kubernetes.io
 * "Network Policies", "Targeting a Namespace by its name"; GA in 1.22 as
 * NamespaceDefaultLabelName).
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Cluster DNS: CoreDNS behind the `kube-dns` Service in `kube-system`, its
 * pods labelled `k8s-app: kube-dns`, on 53/UDP and 53/TCP (kubeadm's
 * manifests, kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go;
 * EKS and GKE keep the label).
 */
export const DEFAULT_DNS_NAMESPACE = 'kube-system';
/** The pod labels of cluster DNS (see {@link DEFAULT_DNS_NAMESPACE}). */
export const DEFAULT_DNS_POD_LABELS: Readonly<Record<string, string>> = { 'k8s-app': 'kube-dns' };
/** The DNS port, on UDP and TCP (TCP for answers too large for a datagram). */
export const DNS_PORT = 53;

/**
 * istiod's pods: labelled `app: istiod` with or without a revision
 * (istio/istio manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
 */
export const ISTIOD_POD_LABELS: Readonly<Record<string, string>> = { app: 'istiod' };
/**
 * The port sidecars fetch config (xDS) and certificates from istiod on, over
 * TLS (istio.io "Application Requirements", ports used by Istio). 15017 is
 * istiod's webhook port, called by the API server, never by sidecars.
 */
export const ISTIOD_XDS_PORT = 15012;

/** The component label of every policy `NetworkIsolation` writes; the readiness rules find them by it and the managed-by label. */
export const NETWORK_POLICY_COMPONENT = 'network-policy';
/** The name of each isolated namespace's default deny. */
export const DEFAULT_DENY_NAME = 'default-deny';
