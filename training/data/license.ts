/**
 * License detection: SPDX expressions from package metadata (package.json `license`,
 * Python `License-Expression`, `License` and trove classifiers) or recognised LICENSE
 * texts, validated with `spdx-expression-parse` and checked against an allow-list with
 * `spdx-satisfies`.
 */
import { createRequire } from 'node:module';

// Both are CommonJS without type declarations.
const require = createRequire(import.meta.url);
const parse = require('spdx-expression-parse') as (expression: string) => unknown;
const satisfies = require('spdx-satisfies') as (expression: string, allowed: string[]) => boolean;

/** Permissive licenses whose code may be trained on and reproduced with attribution. */
export const DEFAULT_LICENSE_ALLOW_LIST = [
  'MIT',
  'MIT-0',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'ISC',
  'PSF-2.0',
  'Python-2.0',
  'Unlicense',
  'CC0-1.0',
  'Zlib',
  'BlueOak-1.0.0',
];

export interface LicenseFinding {
  /** A valid SPDX expression, or undefined when none was found. */
  spdx: string | undefined;
  /** Where it came from: `metadata`, `classifier`, `file:NAME`. */
  origin: string;
}

/** Trove classifiers and common free-text names mapped to SPDX identifiers. */
const NAME_TO_SPDX: [RegExp, string][] = [
  [/^MIT( License)?$/i, 'MIT'],
  [
    /^Apache( Software License| License)?,? ?(Version )?2(\.0)?$|^Apache Software License$|^Apache-2$/i,
    'Apache-2.0',
  ],
  [/^BSD( License)?$|^BSD-3$|^New BSD|^Modified BSD/i, 'BSD-3-Clause'],
  [/^Simplified BSD|^BSD-2$/i, 'BSD-2-Clause'],
  [/^ISC( License)?( \(ISCL\))?$/i, 'ISC'],
  [/^Python Software Foundation License$|^PSF$|^PSFL$/i, 'PSF-2.0'],
  [/^Mozilla Public License 2\.0/i, 'MPL-2.0'],
  [/^GNU General Public License v3|^GPLv3\+?$/i, 'GPL-3.0-only'],
  [/^GNU General Public License v2|^GPLv2\+?$/i, 'GPL-2.0-only'],
  [/^GNU Lesser General Public License v3|^LGPLv3\+?$/i, 'LGPL-3.0-only'],
  [/^GNU Lesser General Public License v2/i, 'LGPL-2.1-only'],
  [/^The Unlicense|^Unlicense$/i, 'Unlicense'],
];

/** Key phrases of LICENSE texts (first match wins, most specific first). */
const TEXT_PATTERNS: [RegExp, string][] = [
  [/Apache License,?\s+Version 2\.0/i, 'Apache-2.0'],
  [/GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3/i, 'LGPL-3.0-only'],
  [/GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1/i, 'LGPL-2.1-only'],
  [/GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3/i, 'AGPL-3.0-only'],
  [/GNU GENERAL PUBLIC LICENSE\s+Version 3/i, 'GPL-3.0-only'],
  [/GNU GENERAL PUBLIC LICENSE\s+Version 2/i, 'GPL-2.0-only'],
  [/Mozilla Public License,? (Version|v\.) 2\.0/i, 'MPL-2.0'],
  [/PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2/i, 'PSF-2.0'],
  [/This is free and unencumbered software released into the public domain/i, 'Unlicense'],
  [/Permission is hereby granted, free of charge, to any person obtaining a copy/i, 'MIT'],
  [
    /Permission to use, copy, modify, and\/or distribute this software for any purpose with or without fee/i,
    'ISC',
  ],
  [/Neither the name of .{0,200} nor the names of its\s+contributors may be used/is, 'BSD-3-Clause'],
  [
    /Redistribution and use in source and binary forms, with or without\s+modification, are permitted/i,
    'BSD-2-Clause',
  ],
];

/** The expression if it parses as SPDX, else undefined. */
export function validSpdx(expression: string): string | undefined {
  const trimmed = expression.trim().replace(/^\((.*)\)$/, '$1');
  try {
    parse(trimmed);
    return trimmed;
  } catch {
    for (const [pattern, spdx] of NAME_TO_SPDX) if (pattern.test(trimmed)) return spdx;
    return undefined;
  }
}

/** Recognises a license text. */
export function licenseFromText(text: string): string | undefined {
  for (const [pattern, spdx] of TEXT_PATTERNS) if (pattern.test(text)) return spdx;
  return undefined;
}

/** From Python METADATA: `License-Expression`, then `License`, then classifiers. */
export function licenseFromPythonMetadata(metadata: string): LicenseFinding {
  const header = metadata.split(/\r?\n\r?\n/)[0] ?? '';
  const field = (name: string) =>
    header
      .split(/\r?\n/)
      .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  const expression = field('License-Expression');
  if (expression && validSpdx(expression)) return { spdx: validSpdx(expression), origin: 'metadata' };
  const license = field('License');
  if (license && license.length < 100 && validSpdx(license))
    return { spdx: validSpdx(license), origin: 'metadata' };
  const classifiers = header
    .split(/\r?\n/)
    .filter((line) => line.startsWith('Classifier: License ::'))
    .map((line) => line.split('::').at(-1)?.trim() ?? '');
  for (const classifier of classifiers) {
    const spdx = validSpdx(classifier);
    if (spdx) return { spdx, origin: 'classifier' };
  }
  return { spdx: undefined, origin: 'metadata' };
}

/** True when the expression is satisfied by the allow-list (`MIT OR GPL-3.0` passes with MIT). */
export function licenseAllowed(spdx: string, allowList: string[]): boolean {
  try {
    return satisfies(spdx, allowList);
  } catch {
    return false;
  }
}
