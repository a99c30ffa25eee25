/** Turns a kind's FlagSpecs into commander options and the parsed values back into JSON filters. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FlagSpec } from '../engine/kind';

export function addKindFlags(command: Command, flags: readonly FlagSpec[]): void {
  for (const spec of flags) {
    const option = new Option(spec.flag, spec.description);
    if (spec.key) option.attributeName = () => spec.key!;
    if (spec.parse) {
      option.argParser((value: string, previous: unknown) => {
        try {
          return spec.parse!(value, previous);
        } catch (error) {
          throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
        }
      });
    }
    command.addOption(option);
  }
}

/** The values of a kind's flags, keyed as the kind expects. */
export function kindValues(flags: readonly FlagSpec[], options: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const spec of flags) {
    const key = spec.key ?? camel(spec.flag);
    if (options[key] !== undefined) values[key] = options[key];
  }
  return values;
}

function camel(flag: string): string {
  const long = flag.split(/[ ,|]+/).find((part) => part.startsWith('--')) ?? flag;
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number above 0, not "${value}"`);
    return n;
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a number above 0, not "${value}"`);
    return n;
  };
}
