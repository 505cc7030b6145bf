/** Parses JUnit XML back (fast-xml-parser) for the tests. */
import { XMLParser } from 'fast-xml-parser';

export interface ParsedCase { '@_classname': string; '@_name': string; failure?: { '@_message': string }; error?: { '@_message': string }; skipped?: { '@_message': string } }

export function parseJunit(xml: string): { suites: Array<{ '@_name': string; '@_tests': string; '@_failures': string; testcase: ParsedCase[] }> } {
  const p = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' });
  const doc = p.parse(xml) as { testsuites: { testsuite: Array<{ '@_name': string; '@_tests': string; '@_failures': string; testcase: ParsedCase[] }> } };
  return { suites: doc.testsuites.testsuite };
}
