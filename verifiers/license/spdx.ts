/**
 * SPDX expressions: parsing, normalising the free-text licenses packages declare, and
 * checking an expression against an allow-list expression.
 */
import { createRequire } from 'node:module';
import { NsgenError } from '../../src/core/index.js';

const require = createRequire(import.meta.url);

type SpdxNode =
  | { license: string; plus?: boolean; exception?: string }
  | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode };
const parseSpdx = require('spdx-expression-parse') as (expression: string) => SpdxNode;
const spdxSatisfies = require('spdx-satisfies') as (expression: string, approved: string[]) => boolean;

/** Permissive licenses accepted when no allow-list is given. */
export const DEFAULT_ALLOWED_LICENSES =
  'MIT OR Apache-2.0 OR BSD-2-Clause OR BSD-3-Clause OR ISC OR Python-2.0 OR PSF-2.0 OR 0BSD OR Unlicense';

/** Free-text names seen in package metadata, mapped to SPDX ids. */
const ALIASES: Record<string, string> = {
  mit: 'MIT',
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'mit-0': 'MIT-0',
  bsd: 'BSD-3-Clause',
  'bsd license': 'BSD-3-Clause',
  'new bsd': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'bsd-3': 'BSD-3-Clause',
  '3-clause bsd': 'BSD-3-Clause',
  'bsd 3-clause': 'BSD-3-Clause',
  'simplified bsd': 'BSD-2-Clause',
  'bsd-2': 'BSD-2-Clause',
  apache: 'Apache-2.0',
  'apache 2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache software license': 'Apache-2.0',
  'apache software license 2.0': 'Apache-2.0',
  isc: 'ISC',
  'isc license': 'ISC',
  psf: 'PSF-2.0',
  'psf license': 'PSF-2.0',
  'python software foundation license': 'PSF-2.0',
  unlicense: 'Unlicense',
  'the unlicense': 'Unlicense',
  mpl2: 'MPL-2.0',
  'mpl 2.0': 'MPL-2.0',
  'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
  gpl: 'GPL-3.0-or-later',
  gplv2: 'GPL-2.0-only',
  gplv3: 'GPL-3.0-only',
  'gnu gpl v3': 'GPL-3.0-only',
  lgpl: 'LGPL-3.0-or-later',
  lgplv3: 'LGPL-3.0-only',
  agpl: 'AGPL-3.0-or-later',
  'public domain': 'Unlicense',
};

/** Trove classifiers (`License :: OSI Approved :: MIT License`) → SPDX ids. */
const CLASSIFIERS: Record<string, string> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'Apache Software License': 'Apache-2.0',
  'BSD License': 'BSD-3-Clause',
  'ISC License (ISCL)': 'ISC',
  'Python Software Foundation License': 'PSF-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Zero-Clause BSD (0BSD)': '0BSD',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.1-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'Historical Permission Notice and Disclaimer (HPND)': 'HPND',
};

export function isValidSpdx(expression: string): boolean {
  try {
    parseSpdx(expression);
    return true;
  } catch {
    return false;
  }
}

/** An SPDX expression for a declared license text, or undefined when it cannot be read as one. */
export function normaliseLicense(declared: string | undefined): string | undefined {
  if (!declared) return undefined;
  const text = declared.trim().replace(/^\((.*)\)$/, '$1');
  if (text === '' || text.length > 200 || /^(unknown|see license|unlicensed|proprietary|other)/i.test(text))
    return undefined;
  if (isValidSpdx(text)) return text;
  const alias = ALIASES[text.toLowerCase().replace(/\s+/g, ' ')];
  return alias;
}

/** SPDX ids from Trove license classifiers, joined with OR (a package offering several). */
export function licenseFromClassifiers(classifiers: readonly string[]): string | undefined {
  const ids = new Set<string>();
  for (const classifier of classifiers) {
    const parts = classifier.split('::').map((part) => part.trim());
    if (parts[0] !== 'License') continue;
    const id = CLASSIFIERS[parts.at(-1) ?? ''];
    if (id) ids.add(id);
  }
  return ids.size > 0 ? [...ids].join(' OR ') : undefined;
}

/** The licenses an allow-list expression names; it must be a plain OR of licenses. */
export function allowedLicenses(allowList: string): string[] {
  let tree: SpdxNode;
  try {
    tree = parseSpdx(allowList);
  } catch (cause) {
    throw new NsgenError(
      'INVALID_ARGUMENT',
      `the license allow-list "${allowList}" is not an SPDX expression`,
      {
        where: 'LicenseVerifier options.allow',
        cause,
      },
    );
  }
  const leaves: string[] = [];
  const collect = (node: SpdxNode): void => {
    if ('license' in node) {
      leaves.push(`${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`);
    } else if (node.conjunction === 'or') {
      collect(node.left);
      collect(node.right);
    } else {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `the license allow-list "${allowList}" may only join licenses with OR`,
        {
          where: 'LicenseVerifier options.allow',
        },
      );
    }
  };
  collect(tree);
  return leaves;
}

/** True when a package under `expression` may be used given the allowed licenses. */
export function satisfiesAllowList(expression: string, allowed: string[]): boolean {
  try {
    return spdxSatisfies(expression, allowed);
  } catch {
    return false;
  }
}
