import { describe, expect, it } from '@jest/globals';
import { barChart, lineChart } from './charts';

describe('charts', () => {
  it('draws one polyline per series and escapes labels', () => {
    const svg = lineChart('Growth <by NPU>', [
      { name: 'BE', points: [{ x: '2019-08', y: 10 }, { x: '2019-09', y: 20 }] },
      { name: '<script>', points: [{ x: '2019-08', y: 5 }, { x: '2019-09', y: 7 }] },
    ]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('Growth &lt;by NPU&gt;');
    expect(svg).not.toContain('<script>');
  });
  it('draws a bar per row', () => {
    const svg = barChart('Reach', [{ label: 'Ward A', value: 12.5 }, { label: 'Ward B', value: 3 }], { unit: ' per 1,000' });
    expect(svg.match(/<rect x="220"/g)).toHaveLength(2);
    expect(svg).toContain('12.5 per 1,000');
  });
});
