/**
 * Which license a piece of text is, in the ids of license-classification.ts. Two kinds of text need two readings:
 *  - a statement ("released under the Apache License, Version 2.0", a card's License section): the most
 *    restrictive license it mentions wins, so "MIT-like, non-commercial use only" is non-commercial;
 *  - a license file (a repository's LICENSE): the license whose title comes first wins, because full license texts
 *    cite other licenses in their bodies (the LGPL-2.1 text names "the ordinary GNU General Public License, version
 *    2"), except that a restrictive license (non-commercial, no-derivatives, a responsible-AI or Llama agreement)
 *    named anywhere wins, so a file bundling a permissive and a restrictive license never reads as permissive.
 * Unrecognised text is undefined: the callers treat it as custom terms, never as a permissive license.
 * Every pattern is bounded or anchored on literal words (no nested quantifiers), over a bounded prefix of the text.
 */

/** Ordered: the most restrictive statement wins. */
const STATEMENT_PATTERNS: [RegExp, string][] = [
  [/non-?commercial|cc[- ]by[- ]nc|research (purposes? )?only|not for commercial/, 'cc-by-nc-4.0'],
  [/no ?derivatives|cc[- ]by[- ]nd/, 'cc-by-nd-4.0'],
  [/\bagpl|affero general public/, 'agpl-3.0'],
  [/lesser general public license,? (version |v)?2\.1|\blgpl[- ]?(v|version )?2\.1/, 'lgpl-2.1'],
  [/lesser general public license|\blgpl/, 'lgpl-3.0'],
  [/general public license|\bgplv?\d?\b/, 'gpl-3.0'],
  [/apache license,? (version )?2\.0|apache[- ]2(\.0)?\b/, 'apache-2.0'],
  [/\bmit license\b|\bmit\b/, 'mit'],
  [/\bbsd\b/, 'bsd-3-clause'],
  [/creative commons attribution[- ]share ?alike|cc[- ]by[- ]sa/, 'cc-by-sa-4.0'],
  [/creative commons attribution|cc[- ]by[- ]4\.0/, 'cc-by-4.0'],
  [/\bcc0\b|public domain/, 'cc0-1.0'],
  [/openrail/, 'openrail'],
  [/llama (2|3)/, 'llama3'],
  [/gemma terms/, 'gemma'],
];

/** The license a statement (a README's License section) names, or undefined when it names none we recognise. */
export function licenseFromText(text: string): string | undefined {
  const lower = text.slice(0, 4000).toLowerCase();
  return STATEMENT_PATTERNS.find(([re]) => re.test(lower))?.[1];
}

/** Restrictive agreements: named anywhere in a license file, they decide it. Most specific first. */
const RESTRICTIVE_MARKERS: [RegExp, string][] = [
  [/attribution-noncommercial-noderivatives|\bcc[- ]by[- ]nc[- ]nd\b/, 'cc-by-nc-nd-4.0'],
  [/attribution-noncommercial-sharealike|\bcc[- ]by[- ]nc[- ]sa\b/, 'cc-by-nc-sa-4.0'],
  [/attribution-noncommercial|\bcc[- ]by[- ]nc\b/, 'cc-by-nc-4.0'],
  [/attribution-noderivatives|\bcc[- ]by[- ]nd\b/, 'cc-by-nd-4.0'],
  [/noncommercial research license/, 'fair-noncommercial-research-license'],
  [/llama 2 community license agreement/, 'llama2'],
  [/llama 3\.1 community license agreement/, 'llama3.1'],
  [/llama 3\.2 community license agreement/, 'llama3.2'],
  [/llama 3\.3 community license agreement/, 'llama3.3'],
  [/llama 4 community license agreement/, 'llama4'],
  [/llama 3 community license agreement/, 'llama3'],
  [/gemma terms of use/, 'gemma'],
  [/creativeml open rail-m/, 'creativeml-openrail-m'],
  [/bigscience open rail-m/, 'bigscience-openrail-m'],
  [/bigcode open rail-m/, 'bigcode-openrail-m'],
  [/bigscience rail license/, 'bigscience-bloom-rail-1.0'],
  [/open rail\+\+-m/, 'openrail++'],
  [/responsible ai license|\bopen ?rail\b/, 'openrail'],
];

/** Each license's title (or, for the untitled permissive texts, their distinctive grant sentence). */
const TITLE_MARKERS: [RegExp, string][] = [
  [/gnu affero general public license,? version 3/, 'agpl-3.0'],
  [/gnu lesser general public license,? version 3/, 'lgpl-3.0'],
  [/gnu lesser general public license,? version 2\.1/, 'lgpl-2.1'],
  [/gnu library general public license,? version 2/, 'lgpl-2.0'],
  [/gnu general public license,? version 3/, 'gpl-3.0'],
  [/gnu general public license,? version 2/, 'gpl-2.0'],
  [/apache license,? version 2\.0/, 'apache-2.0'],
  [/mozilla public license,? (version |v)?2\.0/, 'mpl-2.0'],
  [/eclipse public license - v ?2\.0/, 'epl-2.0'],
  [/eclipse public license - v ?1\.0/, 'epl-1.0'],
  [/european union public licen[cs]e,? v\. ?1\.2/, 'eupl-1.2'],
  [/boost software license - version 1\.0/, 'bsl-1.0'],
  [/the artistic license 2\.0/, 'artistic-2.0'],
  [/gnu free documentation license/, 'gfdl'],
  [/blue ?oak model license/, 'blueoak-1.0.0'],
  [/creative commons attribution-sharealike 4\.0 international/, 'cc-by-sa-4.0'],
  [/creative commons attribution 4\.0 international/, 'cc-by-4.0'],
  [/cc0 1\.0 universal/, 'cc0-1.0'],
  [/this is free and unencumbered software released into the public domain/, 'unlicense'],
  [/do what the fuck you want to public license/, 'wtfpl'],
  [/permission is hereby granted, free of charge, to any person obtaining a copy/, 'mit'],
  [/permission to use, copy, modify, and\/or distribute this software for any purpose with or without fee is hereby granted/, 'isc'],
  [/this software is provided 'as-is', without any express or implied warranty/, 'zlib'],
  [/redistribution and use in source and binary forms, with or without modification, are permitted/, 'bsd'],
];

/** Past this, a LICENSE file is a full license text, not a one-line statement the statement reading applies to. */
const STATEMENT_MAX_CHARS = 2_000;
/** Every license we recognise names itself in its first pages; the GPL-3.0 text is about 35 KB. */
const LICENSE_FILE_MAX_CHARS = 128 * 1024;

/** The license of a license file's text (a repository's LICENSE), or undefined when it matches none we know. */
export function licenseOfLicenseFile(text: string): string | undefined {
  // One space between words and no Markdown emphasis, so titles match however the file wraps or decorates them.
  const flat = text.slice(0, LICENSE_FILE_MAX_CHARS).toLowerCase().replace(/[*_#>`]+/g, ' ').replace(/\s+/g, ' ');
  const restrictive = RESTRICTIVE_MARKERS.find(([re]) => re.test(flat));
  if (restrictive) return restrictive[1];
  let first: { at: number; id: string } | undefined;
  for (const [re, id] of TITLE_MARKERS) {
    const at = flat.search(re);
    if (at >= 0 && (first === undefined || at < first.at)) first = { at, id };
  }
  if (first?.id === 'bsd') return /all advertising materials mentioning/.test(flat) ? 'bsd-4-clause' : /neither the name of/.test(flat) ? 'bsd-3-clause' : 'bsd-2-clause';
  if (first) return first.id;
  return flat.trim().length <= STATEMENT_MAX_CHARS ? licenseFromText(flat) : undefined;
}
