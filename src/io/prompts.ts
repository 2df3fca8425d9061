/**
 * The one adapter every prompt goes through. Commands take a Prompter, so the
 * wizard runs on real @inquirer prompts in a terminal and in tests alike.
 */
export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  input(o: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(o: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  select<T>(o: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(o: { message: string; default?: boolean }): Promise<boolean>;
}

/** Yes/no in the user's language: a Polish administrator answers "t" (tak) or "n" (nie); y/n always work too. */
export interface ConfirmWords {
  yes: string;
  no: string;
  error: string;
}

export async function inquirerPrompter(words?: ConfirmWords): Promise<Prompter> {
  const p = await import('@inquirer/prompts');
  const theme = words && { keywords: { yes: words.yes, no: words.no, error: () => words.error } };
  return {
    input: (o) => p.input({ message: o.message, default: o.default, validate: o.validate }),
    password: (o) => p.password({ message: o.message, mask: '*', validate: o.validate }),
    select: <T,>(o: { message: string; choices: Choice<T>[]; default?: T }) =>
      p.select<T>({ message: o.message, choices: o.choices, default: o.default }),
    confirm: (o) => p.confirm({ message: o.message, default: o.default, theme }),
  };
}
