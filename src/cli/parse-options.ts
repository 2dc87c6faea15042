import { InvalidArgumentError } from 'commander';

/** A commander parser for whole numbers ≥ `min`, naming the option in its error. */
export function integerOption(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got "${value}"`);
    }
    return number;
  };
}

/** `--k 1,10,100` → [1, 10, 100], sorted and without repeats. */
export function kListOption(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const numbers = parts.map((part) => {
    const number = Number(part);
    if (!/^\d+$/.test(part) || number < 1) {
      throw new InvalidArgumentError(`expected a comma-separated list of whole numbers ≥ 1, got "${value}"`);
    }
    return number;
  });
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/** An option restricted to a closed set, listing the valid values in its error. */
export function choiceOption<T extends string>(valid: readonly T[]): (value: string) => T {
  return (value) => {
    if (!valid.includes(value as T)) {
      throw new InvalidArgumentError(`"${value}" is not one of: ${valid.join(', ')}`);
    }
    return value as T;
  };
}
