import { existsSync } from 'node:fs';
import { LinkChecker } from './link-checker.js';
import { rootDocuments, sitePages } from './markdown-files.js';

// Every page of the site (the generated API reference included), the README and CONTRIBUTING.
const documents = [...sitePages({ withApi: true }), ...rootDocuments().filter(existsSync)];
const checker = new LinkChecker();
const broken = checker.check(documents);
for (const link of broken) {
  console.error(`${link.file}:${link.line}: ${link.target}: ${link.reason}`);
}
console.log(
  `links: ${checker.checked} relative links in ${documents.length} documents, ${broken.length} broken`,
);
if (broken.length > 0) process.exitCode = 1;
