/**
 * One model config from its defaults, an optional named preset and the caller's overrides, checked strictly.
 * Follows: minGPT `get_default_config` + `merge_from_dict` (defaults, then a preset, then overrides).
 */
import { checkOptions, checkValue, type OptionSpec, opt } from "../check/options.js";

/**
 * `{ ...defaults, ...presets[preset], ...overrides }` after checking the overrides against `spec` and the
 * preset's name; an override left `undefined` keeps the default. Errors start with `where`.
 */
export function resolveConfig<C extends object>(
  where: string,
  overrides: Partial<C> | undefined,
  spec: OptionSpec,
  defaults: C,
  presets: Readonly<Record<string, Partial<C>>>,
  preset?: string,
): C {
  checkOptions(where, overrides, spec);
  checkValue(where, "preset", preset, opt.oneOf(Object.keys(presets)));
  const given = Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined);
  return { ...defaults, ...(preset === undefined ? {} : presets[preset]), ...Object.fromEntries(given) };
}
