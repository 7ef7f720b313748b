import { z } from 'zod';
import { ExpressionError, parseExpression, type Expression } from './expression.js';

/**
 * The AWS attributes a mapping may fill: what IAM Identity Center stores for a user
 * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/limitations.html,
 * https://docs.aws.amazon.com/singlesignon/latest/developerguide/createuser.html) and what its attributes for
 * access control can read (https://docs.aws.amazon.com/singlesignon/latest/userguide/attributemappingsconcept.html).
 * `email`, `phoneNumber` and `address.*` fill the one work value AWS keeps of each list; `enterprise.manager` names
 * the manager in the source, and is resolved to the manager's AWS user id.
 */
export const USER_TARGETS = [
  'userName',
  'displayName',
  'name.givenName',
  'name.familyName',
  'name.middleName',
  'name.formatted',
  'name.honorificPrefix',
  'name.honorificSuffix',
  'nickName',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'profileUrl',
  'email',
  'phoneNumber',
  'address.streetAddress',
  'address.locality',
  'address.region',
  'address.postalCode',
  'address.country',
  'address.formatted',
  'enterprise.employeeNumber',
  'enterprise.costCenter',
  'enterprise.organization',
  'enterprise.division',
  'enterprise.department',
  'enterprise.manager',
] as const;

export type UserTarget = (typeof USER_TARGETS)[number];

/** An expression is checked when the config loads, so a typo stops `validate-config`, not a sync. */
const expressionSchema = z.string().superRefine((source, ctx) => {
  try {
    parseExpression(source);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
  }
});

const userMappingShape = Object.fromEntries(USER_TARGETS.map((t) => [t, expressionSchema.optional()])) as Record<
  UserTarget,
  z.ZodOptional<typeof expressionSchema>
>;

/**
 * Per source: which expression feeds which AWS attribute. An attribute not listed keeps the source's
 * built-in mapping, so an empty (the default) mapping changes nothing.
 */
export const mappingSchema = z
  .strictObject({
    user: z.strictObject(userMappingShape).prefault({}),
    group: z.strictObject({ displayName: expressionSchema.optional() }).prefault({}),
  })
  .optional();

export type MappingConfig = NonNullable<z.infer<typeof mappingSchema>>;

/** A mapping with every expression parsed, ready to evaluate. */
export interface CompiledMapping {
  user: Partial<Record<UserTarget, Expression>>;
  group: { displayName?: Expression };
}

const compiled = new WeakMap<MappingConfig, CompiledMapping>();

/** `compileMapping`, once per config object: transforms that see one record at a time call it per record. */
export function compiledMapping(config: MappingConfig | undefined): CompiledMapping {
  if (config === undefined) return compileMapping(undefined);
  let found = compiled.get(config);
  if (found === undefined) {
    found = compileMapping(config);
    compiled.set(config, found);
  }
  return found;
}

export function compileMapping(config: MappingConfig | undefined): CompiledMapping {
  const user: Partial<Record<UserTarget, Expression>> = {};
  for (const target of USER_TARGETS) {
    const source = config?.user[target];
    if (source !== undefined) user[target] = parseExpression(source);
  }
  const group = config?.group.displayName;
  return { user, group: group === undefined ? {} : { displayName: parseExpression(group) } };
}

export function isEmptyMapping(mapping: CompiledMapping): boolean {
  return Object.keys(mapping.user).length === 0 && mapping.group.displayName === undefined;
}
