"""Generates the issue-16 corpus into argv[1] and writes manifest.json (file, class, expected verdict, rule, note)."""
import sys

import gadgets
import malformed
import templates
import exhaustion
import differentials
import benign
import frameworks
import loaders
from common import Corpus

MODULES = [gadgets, malformed, templates, exhaustion, differentials, benign, loaders, frameworks]

if __name__ == '__main__':
    corpus = Corpus(sys.argv[1])
    for m in MODULES:
        m.generate(corpus)
    corpus.save()
