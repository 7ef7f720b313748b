import type { Manifest } from './helm.js';

// Rendered manifests are untyped JSON, so their fields are read as `any`.

export const SECRET_MOUNT = '/var/run/secrets/icsync';
export const CONFIG_PATH = '/etc/icsync/config.yaml';

export interface PodSpecOf {
  /** "Kind/name" of the object that owns the pod template. */
  owner: string;
  spec: any;
}

/** Every pod spec in a render: CronJob job templates, Deployments, bare Pods (the helm test). */
export function podSpecs(manifests: Manifest[]): PodSpecOf[] {
  return manifests.flatMap((m): PodSpecOf[] => {
    const owner = `${m.kind}/${m.metadata.name}`;
    switch (m.kind) {
      case 'CronJob':
        return [{ owner, spec: m.spec.jobTemplate.spec.template.spec }];
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'Job':
        return [{ owner, spec: m.spec.template.spec }];
      case 'Pod':
        return [{ owner, spec: m.spec }];
      default:
        return [];
    }
  });
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind}/${name} in the render; have: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`,
    );
  return found;
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

export function container(spec: any, name = 'icsync'): any {
  const c = (spec.containers as any[]).find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

/**
 * The Pod Security "restricted" profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * plus our own baseline (no service-account token, read-only root filesystem, CPU and memory requests and
 * limits, /tmp as an emptyDir), checked on one pod spec.
 * Returns every violation, so a failing test names them all.
 */
export function securityViolations({ owner, spec }: PodSpecOf): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.automountServiceAccountToken !== false) out.push(`${owner}: automountServiceAccountToken is not false`);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[field]) out.push(`${owner}: ${field}`);
  for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`${owner}: hostPath volume ${v.name}`);
  const tmpVolume = (spec.volumes ?? []).find((v: any) => v.emptyDir !== undefined && v.name === 'tmp');
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const where = `${owner} container ${c.name}`;
    const sc = c.securityContext ?? {};
    const effective = (k: string): any => sc[k] ?? pod[k];
    if (effective('runAsNonRoot') !== true) out.push(`${where}: runAsNonRoot is not true`);
    const uid = effective('runAsUser');
    if (!Number.isInteger(uid) || uid === 0) out.push(`${where}: runAsUser is not a non-zero number (${String(uid)})`);
    if (effective('seccompProfile')?.type !== 'RuntimeDefault')
      out.push(`${where}: seccompProfile is not RuntimeDefault`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) out.push(`${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).length > 0) out.push(`${where}: capabilities added`);
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory'] as const) {
        if (c.resources?.[kind]?.[resource] === undefined) out.push(`${where}: no ${resource} ${kind.slice(0, -1)}`);
      }
    }
    const tmpMount = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/tmp');
    if (!tmpVolume || tmpMount?.name !== tmpVolume.name) out.push(`${where}: /tmp is not an emptyDir`);
  }
  return out;
}

/**
 * Secrets only as files from a Secret, never in the environment: no secretKeyRef, no envFrom secretRef, and the Secret
 * volume mounted read-only at the secrets mount path.
 */
export function secretHandlingViolations({ owner, spec }: PodSpecOf, secretName: string): string[] {
  const out: string[] = [];
  const secretVolumes = (spec.volumes ?? []).filter((v: any) => v.secret);
  const ours = secretVolumes.find((v: any) => v.secret.secretName === secretName);
  if (!ours) out.push(`${owner}: no volume of Secret ${secretName}`);
  for (const c of spec.containers) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) out.push(`${owner}: env ${e.name} from a Secret`);
    for (const e of c.envFrom ?? []) if (e.secretRef) out.push(`${owner}: envFrom Secret ${e.secretRef.name}`);
    const mount = (c.volumeMounts ?? []).find((m: any) => m.name === ours?.name);
    if (!mount) out.push(`${owner}: Secret volume not mounted`);
    else {
      if (mount.mountPath !== SECRET_MOUNT) out.push(`${owner}: Secret mounted at ${mount.mountPath}`);
      if (mount.readOnly !== true) out.push(`${owner}: Secret mount is writable`);
    }
  }
  return out;
}

/** The icsync config the pods read, parsed from the ConfigMap. */
export function renderedConfig(manifests: Manifest[], configMapName: string): any {
  return find(manifests, 'ConfigMap', configMapName).data['config.yaml'];
}

/** Every `{ file }` / `{ env }` secret reference in a config tree, with its path. */
export function secretRefs(node: unknown, path = 'config'): { path: string; ref: Record<string, string> }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => secretRefs(v, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const keys = Object.keys(node);
  if (keys.length === 1 && (keys[0] === 'file' || keys[0] === 'env'))
    return [{ path, ref: node as Record<string, string> }];
  return Object.entries(node).flatMap(([k, v]) => secretRefs(v, `${path}.${k}`));
}
