import { Rule } from '../../rule';
import { appArmor } from './apparmor';
import { capabilitiesBaseline } from './capabilities';
import { capabilitiesRestricted } from './capabilities-restricted';
import { hostNamespaces } from './host-namespaces';
import { hostPathVolumes } from './host-path-volumes';
import { hostPorts } from './host-ports';
import { hostProbes } from './host-probes';
import { hostProcess } from './host-process';
import { PodSecurityControl, podSecurityRules } from './policy';
import { privilegeEscalation } from './privilege-escalation';
import { privileged } from './privileged';
import { procMount } from './proc-mount';
import { runAsNonRoot } from './run-as-non-root';
import { runAsUser } from './run-as-user';
import { seccompBaseline } from './seccomp';
import { seccompRestricted } from './seccomp-restricted';
import { seLinux } from './selinux';
import { sysctls } from './sysctls';
import { volumeTypes } from './volume-types';

/** Every Pod Security Standards control, baseline first, in the order of kubernetes.io's tables. */
export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, hostProbes, appArmor, seLinux, procMount, seccompBaseline, sysctls,
  volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccompRestricted, capabilitiesRestricted,
];

/** The controls as rules. */
export const POD_SECURITY_RULES: readonly Rule[] = podSecurityRules(POD_SECURITY_CONTROLS);
