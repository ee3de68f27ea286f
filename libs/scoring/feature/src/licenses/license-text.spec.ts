import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { licenseOfLicenseFile } from './license-text';

const fixture = (repo: string) => readFileSync(join(__dirname, '../../../../../tests/fixtures/upstreams/github', repo, 'files/LICENSE'), 'utf8');

/** Openings of real license texts, with the passages that cite other licenses further down. */
const LGPL_21 = `                  GNU LESSER GENERAL PUBLIC LICENSE
                       Version 2.1, February 1999
 Copyright (C) 1991, 1999 Free Software Foundation, Inc.
 [This is the first released version of the Lesser GPL.  It also counts
 as the successor of the GNU Library Public License, version 2, hence
 the version number 2.1.]
  3. You may opt to apply the terms of the ordinary GNU General Public
License instead of this License to a given copy of the Library.  To do
this, you must alter all the notices that refer to this License, so
that they refer to the ordinary GNU General Public License, version 2,
instead of to this License.`;

const GPL_3 = `                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007
  13. Use with the GNU Affero General Public License.
  Notwithstanding any other provision of this License, you have
permission to link or combine any covered work with a work licensed
under version 3 of the GNU Affero General Public License into a single
combined work, and to convey the resulting work.`;

const BSD = (clauses: string) => `Copyright (c) 2020, Example
Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
${clauses}
THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"`;

describe('licenseOfLicenseFile', () => {
  it('reads the license whose title comes first, not the licenses its body cites', () => {
    expect(licenseOfLicenseFile(LGPL_21)).toBe('lgpl-2.1');
    expect(licenseOfLicenseFile(GPL_3)).toBe('gpl-3.0');
    expect(licenseOfLicenseFile('                                 Apache License\n                           Version 2.0, January 2004\n')).toBe('apache-2.0');
  });

  it('recognises the untitled permissive texts by their grant, and tells the BSD variants apart', () => {
    expect(licenseOfLicenseFile(fixture('openai__whisper'))).toBe('mit');
    expect(licenseOfLicenseFile(fixture('modelguard-fixtures__finetune-recipes'))).toBe('mit');
    const neither = '3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse';
    expect(licenseOfLicenseFile(BSD(`1. Redistributions of source code must retain the above copyright notice.\n${neither}`))).toBe('bsd-3-clause');
    expect(licenseOfLicenseFile(BSD('1. Redistributions of source code must retain the above copyright notice.'))).toBe('bsd-2-clause');
  });

  it('lets a restrictive agreement named anywhere decide a file that bundles several licenses', () => {
    const bundled = `${fixture('openai__whisper')}\n\nThe model weights are licensed under Attribution-NonCommercial 4.0 International (CC BY-NC 4.0).`;
    expect(licenseOfLicenseFile(bundled)).toBe('cc-by-nc-4.0');
    expect(licenseOfLicenseFile('LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n')).toBe('llama2');
    expect(licenseOfLicenseFile('# CreativeML Open RAIL-M\ndated August 22, 2022\n')).toBe('creativeml-openrail-m');
  });

  it('reads a short statement as a statement, and leaves a long unknown text unrecognised', () => {
    expect(licenseOfLicenseFile('This project is licensed under the Apache License 2.0.')).toBe('apache-2.0');
    expect(licenseOfLicenseFile(`ACME MODEL CODE AGREEMENT\n${'You may use this code internally only; it is free for anyone in the public domain of ideas. '.repeat(40)}`)).toBeUndefined();
  });
});
