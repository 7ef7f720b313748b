/**
 * The one character rule for every value icsync sends to IAM Identity Center, identifiers included.
 *
 * - `< > ; : %` are invalid in attributes synchronized with SCIM: AWS user guide, "Considerations for
 *   using automatic provisioning" (https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html).
 *   A capture shows the rule applies to `externalId` too: a `:` in it got 400 "Request is unparsable,
 *   syntactically incorrect, or violates schema." (https://github.com/suvera/keycloak-scim2-storage/issues/3).
 * - Tab, LF and CR: Microsoft's AWS provisioning tutorial
 *   (https://learn.microsoft.com/en-us/entra/identity/saas-apps/aws-single-sign-on-provisioning-tutorial).
 * - Other control characters are answered with the same generic 400 (vendor-reported).
 */
export const FORBIDDEN_CHARACTERS = /[<>;:%\t\r\n\p{Cc}]/u;
export const FORBIDDEN_CHARACTERS_GLOBAL = /[<>;:%\t\r\n\p{Cc}]/gu;

/** Printable names of the forbidden set, for messages. */
export const FORBIDDEN_CHARACTERS_TEXT = '< > ; : % tab CR LF control';

export function hasForbiddenCharacter(value: string): boolean {
  return FORBIDDEN_CHARACTERS.test(value);
}
