import { isPinned, parseImage } from '../../common/image';
import { describeContainer } from '../model';
import { Level, Rule } from '../rule';

/** OBS-IMG1: images are pinned to a version tag or a digest. */
export const imagePinned: Rule = {
  id: 'OBS-IMG1',
  level: Level.ERROR,
  title: 'image pinned',
  explanation: 'An image without a tag, or tagged latest, changes under the same name: a rollback or a node replacement runs different code.',
  fix: 'Use a version tag (app:1.4.2) or a digest (app@sha256:…).',
  check: (model) => model.workloads.flatMap((w) => w.containers.flatMap((c) => {
    const image = parseImage(String(c.container.image ?? ''));
    return typeof image === 'string' || !isPinned(image) ? [{ resource: w.resource, message: `${describeContainer(c)} runs "${c.container.image}", which is not pinned` }] : [];
  })),
};
