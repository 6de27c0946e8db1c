# GroundLabel's command line (label, merge, batch, convert) for CPU-only nodes.
# The model is never part of the image: mount its folder read-only and pass --model.
#
#   docker build -f deploy/cpu.Dockerfile -t groundlabel:cpu .
#   docker run --rm -v /srv/models:/models:ro -v /srv/data:/data groundlabel:cpu \
#     src/cli/label.ts --model /models/grounding-dino-tiny --images /data/images \
#     --prompt "person . car ." --out /data/labels
FROM node:22-bookworm-slim
WORKDIR /app
# onnxruntime-node ships its CPU build; its install script would otherwise fetch CUDA libraries.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
# Of resources/models, only the bundled tokenizer vocabulary: models come in as a volume.
COPY resources/models/bert-base-uncased ./resources/models/bert-base-uncased
USER 1000:1000
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["src/cli/label.ts", "--help"]
