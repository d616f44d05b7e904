import type { Child } from 'hono/jsx';
import type { FieldError } from '../../shared/errors';
import type { ApiProblem } from './api';

export const NAV = [
  ['/console/rules', 'Rules'],
  ['/console/simulate', 'Receipt simulator'],
  ['/console/claims', 'Claims'],
  ['/console/statistics', 'Statistics'],
  ['/console/storefront', 'Storefront preview'],
  ['/console/settings', 'Settings'],
] as const;

export interface Who {
  aid: string;
  clientId: string;
}

export function Page(props: { title: string; who?: Who; current?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · rabatt console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">rabatt console</span>
          {props.who && (
            <span class="who">
              Account {props.who.aid} · client {props.who.clientId}
            </span>
          )}
          {props.who && (
            <form method="post" action="/console/sign-out">
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        {props.who && (
          <nav class="main" aria-label="Console">
            {NAV.map(([href, label]) => (
              <a href={href} aria-current={props.current === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
        )}
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Field errors that belong to `name`: the field itself or anything below it. */
export function errorsFor(name: string, errors: readonly FieldError[] | undefined): FieldError[] {
  return (errors ?? []).filter((e) => e.field === name || e.field.startsWith(`${name}.`));
}

const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface FieldProps {
  name: string;
  label: string;
  value?: string | number | undefined;
  hint?: string;
  type?: string;
  errors?: readonly FieldError[] | undefined;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
  inputmode?: 'numeric' | 'decimal' | 'text';
  textarea?: boolean;
  options?: readonly (readonly [string, string])[];
}

/** A labelled input with its hint and the API's errors for it, wired with aria-describedby. */
export function Field(p: FieldProps) {
  const id = idOf(p.name);
  const mine = errorsFor(p.name, p.errors);
  const described = [p.hint ? `${id}-hint` : '', mine.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: p.name,
    'aria-invalid': mine.length ? 'true' : undefined,
    'aria-describedby': described || undefined,
    required: p.required,
    disabled: p.disabled,
  };
  const value = p.value === undefined ? '' : String(p.value);
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      {p.options ? (
        <select {...common}>
          {p.options.map(([v, text]) => (
            <option value={v} selected={v === value}>
              {text}
            </option>
          ))}
        </select>
      ) : p.textarea ? (
        <textarea {...common} rows={3} placeholder={p.placeholder}>
          {value}
        </textarea>
      ) : (
        <input {...common} type={p.type ?? 'text'} value={value} placeholder={p.placeholder} inputmode={p.inputmode} />
      )}
      {p.hint && (
        <span class="hint" id={`${id}-hint`}>
          {p.hint}
        </span>
      )}
      {mine.length > 0 && (
        <span class="error" id={`${id}-error`}>
          {mine.map((e) => (e.field === p.name ? e.message : `${e.field}: ${e.message}`)).join(' · ')}
        </span>
      )}
    </div>
  );
}

/** The API's error, at the top of a page; field errors are listed and linked to their fields. */
export function Problem(props: { problem: ApiProblem | undefined; fields?: readonly string[] }) {
  const p = props.problem;
  if (!p) return null;
  const known = props.fields ?? [];
  const owner = (field: string) => known.find((n) => field === n || field.startsWith(`${n}.`));
  return (
    <div class="notice bad summary" role="alert">
      <strong>{p.message}</strong>
      {p.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => {
            const n = owner(e.field);
            return (
              <li>
                {n ? <a href={`#${idOf(n)}`}>{e.field}</a> : <code>{e.field}</code>}: {e.message}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function Notice(props: { kind?: 'good' | 'bad'; children?: Child }) {
  return (
    <div class={`notice ${props.kind ?? ''}`} role="status">
      {props.children}
    </div>
  );
}

/** Minor units as the merchant reads them: 10000 → "100,00" (two decimals; see docs/console.md). */
export function money(minor: number | undefined): string {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return '';
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(Math.round(minor));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')}`;
}

export const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '');
