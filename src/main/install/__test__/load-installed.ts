/**
 * Run as its own process (a native library cannot be unloaded): loads onnxruntime-node the way the
 * app does with providers under argv[2], opens argv[3] on the CPU, then asks for CUDA, and prints
 * what happened as one JSON line. ONNX Runtime's own log goes to stderr, where it names the
 * provider library it tried to load.
 */
import { loadOrtFrom } from '../../inference/providers/ort-loader';

const [root, model] = process.argv.slice(2);
const loaded = loadOrtFrom(root);
loaded.ort.env.logLevel = 'warning';
const cpu = await loaded.ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
let cudaError = '';
try {
  await loaded.ort.InferenceSession.create(model, { executionProviders: ['cuda'] });
} catch (e) {
  cudaError = (e as Error).message;
}
process.stdout.write(`${JSON.stringify({ from: loaded.from, inputs: cpu.inputNames, cudaError })}\n`);
