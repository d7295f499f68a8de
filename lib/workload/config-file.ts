/**
 * A config file rendered at synth from an editable value: the ConfigMap that
 * holds it, its mount, and a hash of its text on the pod template so that any
 * change, including an edit through an escape hatch after construction,
 * rolls the pods.
 * @internal
 */
import { createHash } from 'crypto';
import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ANNOTATION_CONFIG_HASH } from '../common/annotations';
import { oncePerSettledSynthesis } from '../common/synthesis';

/** The first 16 hex digits of the SHA-256 of a text. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A config file's text and its hash, rendered from the config's current value by `render`:
 * during a synthesis, once the app's own validations have run, once for that synthesis, so
 * that the check, the ConfigMap and the hash that rolls the pods share one rendering
 * (`oncePerSettledSynthesis`); afresh otherwise.
 */
export class SettledRendering {
  constructor(private readonly scope: Construct, private readonly name: string, private readonly render: () => string) {}

  /** The text. */
  public text(): string {
    return oncePerSettledSynthesis(this.scope, `${this.name}-text:${this.scope.node.path}`, this.render);
  }

  /** The hash of the text (or of `text`, already rendered). */
  public hash(text?: string): string {
    return oncePerSettledSynthesis(this.scope, `${this.name}-hash:${this.scope.node.path}`, () => textHash(text ?? this.text()));
  }
}

/** A string rendered when the manifests are synthesized (cdk8s `Lazy`), not when the construct is built. */
export function renderedAtSynth(render: () => string): string {
  return Lazy.any({ produce: render }) as string;
}

/** Where a rendered config file goes. */
export interface ConfigFileSpec {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The file name (the ConfigMap key). */
  readonly fileName: string;
  /** The directory the ConfigMap is mounted on, read-only. */
  readonly mountPath: string;
  /** The pod volume's name. */
  readonly volumeName: string;
  /** Renders the file's text; called at synth. */
  readonly render: () => string;
  /**
   * The text's hash, for the pod template, when the owner keeps one.
   * @default - textHash of render()
   */
  readonly hash?: () => string;
}

/**
 * The ConfigMap of a rendered config file, made before the workload (so it
 * comes first in the manifests), then mounted on the workload's container.
 */
export class RenderedConfigFile {
  /** The ConfigMap, its text rendered at synth. */
  public readonly configMap: kplus.ConfigMap;

  constructor(private readonly scope: Construct, private readonly spec: ConfigFileSpec) {
    this.configMap = new kplus.ConfigMap(scope, 'Config', {
      metadata: { name: spec.configMapName, namespace: spec.namespace, labels: { ...spec.labels } },
      data: { [spec.fileName]: renderedAtSynth(spec.render) },
    });
  }

  /** Mounts the file read-only on the workload's first container and hashes its text onto the pod template. */
  public mountOn(deployment: kplus.Deployment): void {
    const volume = kplus.Volume.fromConfigMap(this.scope, 'ConfigVolume', this.configMap, { name: this.spec.volumeName });
    deployment.containers[0].mount(this.spec.mountPath, volume, { readOnly: true });
    const hash = this.spec.hash ?? (() => textHash(this.spec.render()));
    deployment.podMetadata.addAnnotation(ANNOTATION_CONFIG_HASH, renderedAtSynth(hash));
  }
}
