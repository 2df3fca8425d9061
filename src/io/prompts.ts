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

/**
 * The words prompts show besides the question, in the user's language: yes/no (a Polish administrator answers
 * "t" (tak) or "n" (nie); y/n always work too) and the key help under a list ("↑↓ navigate • ⏎ select") and a password.
 */
export interface PromptWords {
  yes: string;
  no: string;
  error: string;
  /** inquirer's key-help actions ('navigate', 'select', 'toggle visibility') → their translation */
  keys: Record<string, string>;
}

export async function inquirerPrompter(words?: PromptWords): Promise<Prompter> {
  const p = await import('@inquirer/prompts');
  const { styleText } = await import('node:util');
  const confirmTheme = words && { keywords: { yes: words.yes, no: words.no, error: () => words.error } };
  // inquirer's own look (bold key, dim action), the action said in the user's language
  const keysTheme = words && {
    style: {
      keysHelpTip: (keys: [string, string][]) =>
        keys.map(([key, action]) => `${styleText('bold', key)} ${styleText('dim', words.keys[action] ?? action)}`).join(styleText('dim', ' • ')),
    },
  };
  return {
    input: (o) => p.input({ message: o.message, default: o.default, validate: o.validate }),
    password: (o) => p.password({ message: o.message, mask: '*', validate: o.validate, theme: keysTheme }),
    select: <T,>(o: { message: string; choices: Choice<T>[]; default?: T }) =>
      p.select<T>({ message: o.message, choices: o.choices, default: o.default, theme: keysTheme }),
    confirm: (o) => p.confirm({ message: o.message, default: o.default, theme: confirmTheme }),
  };
}
