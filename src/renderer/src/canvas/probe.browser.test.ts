import Konva from 'konva';
import { expect, it } from 'vitest';

it('draws on a real canvas', () => {
  const el = document.createElement('div');
  document.body.append(el);
  const stage = new Konva.Stage({ container: el, width: 50, height: 50 });
  const layer = new Konva.Layer();
  layer.add(new Konva.Rect({ x: 0, y: 0, width: 50, height: 50, fill: '#ff0000' }));
  stage.add(layer);
  layer.draw();
  const ctx = layer.getCanvas().getContext();
  expect([...ctx.getImageData(10, 10, 1, 1).data]).toEqual([255, 0, 0, 255]);
});
