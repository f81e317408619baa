/**
 * The MCP probe's weekly file (its generator, seed 42): 130 weeks from 2022-01-03, channels tv,
 * search, social and radio, no weather; its revenue summed as the CSV writes it.
 */
export function weekly4(): { csv: string; revenue: number } {
  let s = 42;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const rows = ['date,tv_spend,search_spend,social_spend,radio_spend,revenue'];
  const d0 = Date.UTC(2022, 0, 3);
  let ad = [0, 0, 0, 0];
  let revenue = 0;
  for (let i = 0; i < 130; i++) {
    const d = new Date(d0 + i * 7 * 864e5).toISOString().slice(0, 10);
    const sp = [
      20000 + 8000 * rnd(),
      15000 + 6000 * rnd(),
      8000 + 5000 * rnd() * (i % 8 < 4 ? 1 : 0.3),
      3000 + 3000 * rnd(),
    ];
    ad = ad.map((a, k) => a * [0.6, 0.2, 0.4, 0.3][k] + sp[k]);
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * i) / 52);
    const rev =
      150000 * season +
      (1.5 * 60000 * ad[0]) / (ad[0] + 40000) +
      2.2 * ad[1] * 0.9 +
      1.2 * ad[2] +
      0.8 * ad[3] +
      9000 * gauss();
    revenue += Number(rev.toFixed(2));
    rows.push([d, ...sp.map((x) => x.toFixed(2)), rev.toFixed(2)].join(','));
  }
  return { csv: rows.join('\n') + '\n', revenue };
}
