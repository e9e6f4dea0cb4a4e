import type { EmitTool } from '../core/emit.js';
import { describeEvidence, type IacManagement, iacToolName, nextDeploy, recogniseIac } from '../core/iac.js';
import { CliError } from '../errors.js';
import type { Admission, Gate } from './change.js';

/**
 * The infrastructure-as-code guard, consulted by each function right before its write (dry
 * runs too). It reads nothing: the tags come with the read the write is planned from. A
 * managed function gets a warning on its own result; with --fail-on-iac it is refused, nothing
 * written, and the other functions of a fleet go on, each with its own verdict.
 */
export function iacGate(options: { failOnIac: boolean; emit?: EmitTool | undefined }): Gate {
  return {
    async admit(fn, _current, admission) {
      const iac = recogniseIac(admission.tags);
      if (!iac) return admission.tagsError ? unknown(fn, admission.tagsError, options, admission) : undefined;
      if (options.failOnIac) return managedByIac(fn, iac);
      admission.note(
        `${fn} is managed by ${iacToolName(iac.tool)} (${describeEvidence(iac)}): ${nextDeploy(iac)}. ${makeItThere(iac, options.emit)}`,
      );
      return undefined;
    },
    sections: () => ({}),
  };
}

function managedByIac(fn: string, iac: IacManagement): CliError {
  return new CliError(
    'ManagedByIac',
    `${fn} is managed by ${iacToolName(iac.tool)} (${describeEvidence(iac)}): not written (--fail-on-iac).`,
    {
      hint: `${capitalised(nextDeploy(iac))}. Make the change there (--emit ${iac.tool} prints it), or run without --fail-on-iac to write it here all the same.`,
    },
  );
}

/**
 * The tags were left out of the read (no lambda:ListTags): that the function is not managed is
 * not proved. A warning; with --fail-on-iac, a refusal (exit 9), since the flag asks for proof.
 */
function unknown(
  fn: string,
  tagsError: string,
  options: { failOnIac: boolean },
  admission: Admission,
): CliError | undefined {
  const why = `Lambda returned no tags for ${fn} (${tagsError.replace(/\.$/, '')})`;
  const remedy = 'Allow the caller lambda:ListTags on the function so its tags can tell';
  if (options.failOnIac)
    return new CliError(
      'Undetermined',
      `${why}: whether it is managed by infrastructure as code is unknown; not written (--fail-on-iac).`,
      { hint: `${remedy}, or run without --fail-on-iac.` },
    );
  admission.note(`${why}: whether it is managed by infrastructure as code is unknown. ${remedy}.`);
  return undefined;
}

/** The hint to the --emit tool, unless this run already prints the change for it. */
function makeItThere(iac: IacManagement, emitting: EmitTool | undefined): string {
  if (emitting === iac.tool) return 'Make the change there: the snippet below is for it.';
  return `Make the change there: --emit ${iac.tool} prints it.`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
