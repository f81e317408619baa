import {
  APP_LIMITS,
  SHAPE_CHOICES,
  type GenerateResult,
  type ShapeOptions,
} from '../../app/index.js';
import { int, UsageError } from '../args.js';
import type { Command, Flags } from '../command.js';

function choice<T extends string>(flags: Flags, name: string, values: readonly T[]): T | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) {
    throw new UsageError(`--${name} must be one of ${values.join(', ')} (got ${String(v)})`);
  }
  return v as T;
}

/**
 * What generating replaced, one line per tenant whose id held data of other options (empty when
 * nothing was): the lift tests deleted with the old data are named, as `tenants delete` counts them.
 */
function replacedLines(res: GenerateResult): string[] {
  return res.replaced.map((tenant) => {
    const ids = res.lift_tests_deleted.find((d) => d.tenant === tenant)?.ids ?? [];
    const tests =
      ids.length === 0
        ? ''
        : `; deleted its ${ids.length === 1 ? 'lift test' : `${ids.length} lift tests`} ${ids.map((id) => `#${id}`).join(', ')}, measured on the old data (record tests of the new data with wv-mmm lift add --tenant ${tenant} --file F)`;
    return `replaced ${tenant}: it held data generated with other options${tests}`;
  });
}

/** The shape options of `generate` (undefined where not given). */
function shapeFlags(flags: Flags): ShapeOptions {
  if (flags['no-weather'] && flags['renamed-weather']) {
    throw new UsageError('give --no-weather or --renamed-weather, not both');
  }
  let correlation: number | undefined;
  if (flags.correlation !== undefined) {
    correlation = Number(flags.correlation);
    if (!(correlation >= 0 && correlation <= 0.95)) {
      throw new UsageError(
        `--correlation must be a number from 0 to 0.95 (got ${String(flags.correlation)})`,
      );
    }
  }
  return {
    frequency: choice(flags, 'frequency', SHAPE_CHOICES.frequency),
    years: int(flags, 'years', 1, 10),
    channels: int(flags, 'channels', 1, 15),
    correlation,
    weather: flags['no-weather'] ? 'none' : flags['renamed-weather'] ? 'renamed' : undefined,
    events: flags.events ? true : undefined,
    saturation: choice(flags, 'saturation', SHAPE_CHOICES.saturation),
    adstock: choice(flags, 'adstock', SHAPE_CHOICES.adstock),
  };
}

export const generate: Command = {
  name: 'generate',
  section: 'Data',
  summary: 'make synthetic tenants beyond the built-in 20 (same generator, with ground truth)',
  usage:
    '--tenants N --seed S [--days D] [--prefix P] [shape options] [--json]  |  generate --suite [--json]',
  details:
    'Ids are <prefix>_s<seed>_<i>. Shape options make tenants of other shapes (weekly, 1-10 years,\n' +
    '1-15 channels, correlated spend, no or renamed weather, events, other saturation and\n' +
    'carry-over forms); --suite makes the 16 shape-suite tenants (shape_*). The same seed, prefix\n' +
    'and options again make the same data and change nothing; other options replace the data of\n' +
    'those ids and delete the lift tests recorded on the old data (the output names them). With\n' +
    '--json it prints {"tenants": [ids], "replaced": [ids], "lift_tests_deleted": [{"tenant", "ids"}]}\n' +
    'instead of sentences.',
  options: {
    tenants: { type: 'string', value: 'N', help: `how many, 1-${APP_LIMITS.maxGenerate}` },
    seed: {
      type: 'string',
      value: 'S',
      help: "seed of the set (same seed, prefix and shape options or --days, same tenants: a tenant's data is drawn from its id, <prefix>_s<seed>_<i>, and those options)",
    },
    days: {
      type: 'string',
      value: 'D',
      help: `days of data each, ${APP_LIMITS.minGenerateDays}-${APP_LIMITS.maxGenerateDays} (default 1095)`,
    },
    prefix: { type: 'string', value: 'P', help: 'id prefix (default gen)' },
    frequency: {
      type: 'string',
      value: SHAPE_CHOICES.frequency.join('|'),
      help: 'daily or weekly rows',
    },
    years: { type: 'string', value: 'Y', help: 'years of data, 1-10' },
    channels: { type: 'string', value: 'C', help: 'spend channels, 1-15' },
    correlation: { type: 'string', value: 'R', help: 'correlation of the channels, 0-0.95' },
    'no-weather': { type: 'boolean', help: 'no weather columns' },
    'renamed-weather': { type: 'boolean', help: 'weather columns under other common names' },
    events: { type: 'boolean', help: 'add an events/promo control' },
    saturation: {
      type: 'string',
      value: SHAPE_CHOICES.saturation.join('|'),
      help: 'the true saturation form',
    },
    adstock: {
      type: 'string',
      value: SHAPE_CHOICES.adstock.join('|'),
      help: 'the true carry-over form',
    },
    suite: { type: 'boolean', help: 'the 16 shape-suite tenants of issue 13 (shape_*)' },
  },
  json: true,
  jsonHelp: 'what it made; no MCP tool',
  async run({ app, flags, print }) {
    if (flags.suite) {
      // The suite is fixed (its 16 shapes, the default seed): other options would be ignored.
      const other = Object.keys(flags).filter(
        (f) => f !== 'suite' && f !== 'json' && flags[f] !== undefined && flags[f] !== false,
      );
      if (other.length > 0) {
        throw new UsageError(
          `--suite makes the fixed 16 shape-suite tenants; it takes no ${other.map((f) => `--${f}`).join(', ')} (leave ${other.length === 1 ? 'it' : 'them'} out, or generate without --suite)`,
        );
      }
      const res = app().generateShapeSuite();
      print(res, () =>
        [`generated the shape suite: ${res.tenants.join(', ')}`, ...replacedLines(res)].join('\n'),
      );
      return;
    }
    const count = int(flags, 'tenants', 1, APP_LIMITS.maxGenerate);
    const seed = int(flags, 'seed', 0, APP_LIMITS.maxSeed);
    if (count === undefined || seed === undefined) {
      throw new UsageError('generate needs --tenants N and --seed S (or --suite)');
    }
    const res = app().generateTenants({
      count,
      seed,
      days: int(flags, 'days', APP_LIMITS.minGenerateDays, APP_LIMITS.maxGenerateDays),
      prefix: flags.prefix as string | undefined,
      shape: shapeFlags(flags),
    });
    print(res, () =>
      [
        res.tenants.length === 1
          ? `generated 1 tenant (${res.tenants[0]})`
          : `generated ${res.tenants.length} tenants (${res.tenants[0]} .. ${res.tenants.at(-1)})`,
        ...replacedLines(res),
      ].join('\n'),
    );
  },
};
