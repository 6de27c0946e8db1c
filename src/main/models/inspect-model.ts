import type { ModelFlavour, ModelInput } from '../../shared/models';
import { flavourOfModel, locateModel } from '../inference/model-folder';
import { openSession } from '../inference/session';
import { loadTokenizer } from '../inference/tokenizer';

/** What checking a model found: the file it runs from, its flavour and its declared inputs. */
export interface ModelFacts {
  readonly name: string;
  /** The .onnx file the model runs from. */
  readonly file: string;
  /** The folder holding its tokenizer, descriptor and processor config. */
  readonly dir: string;
  readonly flavour: ModelFlavour;
  readonly inputs: readonly ModelInput[];
}

/** Checks a model as opening it would, without keeping it: ONNX Runtime on the CPU reads its graph. */
export type InspectModel = (target: string, bundledVocab: string) => Promise<ModelFacts>;

/**
 * Opens `target` (an .onnx file or folder) as the app would and closes it again. A file that is no
 * ONNX model, an export GroundLabel does not know, or a broken tokenizer or processor config is
 * refused with the same message opening it gives (inputs found, inputs expected).
 */
export const inspectModel: InspectModel = async (target, bundledVocab) => {
  const location = await locateModel(target);
  await loadTokenizer(location.dir, bundledVocab);
  const session = await openSession(location.file, 'cpu', { intraOpThreads: 1 });
  try {
    const flavour = flavourOfModel(location.file, session.inputs, session.outputs);
    return {
      name: location.name,
      file: location.file,
      dir: location.dir,
      flavour: flavour.id,
      inputs: session.inputs.map((v) => ({ name: v.name, type: v.type, dims: [...v.dims] })),
    };
  } finally {
    await session.release();
  }
};
