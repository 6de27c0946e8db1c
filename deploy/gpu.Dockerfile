# GroundLabel's command line for NVIDIA GPUs: onnxruntime-node's CUDA provider, on CUDA 12 and
# cuDNN 9 (what that provider is built against). Needs the NVIDIA Container Toolkit on the host.
# The model is never part of the image: mount its folder read-only and pass --model.
#
#   docker build -f deploy/gpu.Dockerfile -t groundlabel:gpu .
#   docker run --rm --gpus all -v /srv/models:/models:ro -v /srv/data:/data groundlabel:gpu \
#     src/cli/label.ts --device cuda --model /models/grounding-dino-tiny --images /data/images \
#     --prompt "person . car ." --out /data/labels
FROM node:22-bookworm-slim AS app
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
# Of resources/models, only the bundled tokenizer vocabulary: models come in as a volume.
COPY resources/models/bert-base-uncased ./resources/models/bert-base-uncased
# The CUDA provider, installed and checked by `npm run install:cuda`, in a folder of the image.
ENV GROUNDLABEL_PROVIDERS_DIR=/opt/groundlabel/providers
RUN node --import tsx src/cli/install-cuda.ts

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04
COPY --from=app /usr/local/bin/node /usr/local/bin/node
COPY --from=app /app /app
COPY --from=app /opt/groundlabel/providers /opt/groundlabel/providers
ENV GROUNDLABEL_PROVIDERS_DIR=/opt/groundlabel/providers
WORKDIR /app
USER 1000:1000
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["src/cli/label.ts", "--help"]
