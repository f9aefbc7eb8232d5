import { renderChartPng } from './charts';

describe('renderChartPng', () => {
  it('renders a PNG at twice the chart size (1200 × 480)', () => {
    const png = renderChartPng({
      title: 'Mentions',
      labels: ['Mon', 'Tue', 'Wed'],
      series: [
        { name: 'Positive', type: 'bar', data: [3, 5, 2], color: '#1a9850', stack: 'v' },
        { name: 'Negative', type: 'bar', data: [1, null, 4], color: '#d73027', stack: 'v' },
      ],
    });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the signature and the chunk header
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.readUInt32BE(20)).toBe(480);
  });
});
