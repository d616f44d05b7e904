import { Hono, type Context } from 'hono';
import { DAY_MS } from '../../shared/engine/usability';
import type { UsageEntry } from '../../shared/schemas/ref';
import type { ConsoleEnv } from './env';
import { money, Page, Problem } from './layout';

type C = Context<ConsoleEnv>;

/**
 * Per-day figures are not stored: they are summed from the rule's usage ledger
 * (`GET /discounts/rules/{did}/ledger`), one row per ref a purchase touched, dated by its
 * `purchase_at`. Released rows are left out, as they are from the rule's statistics. The console
 * reads at most LEDGER_PAGES pages of LEDGER_PAGE rows; beyond that the chart says it is partial.
 */
const DAYS = 30;
const LEDGER_PAGE = 1000;
const LEDGER_PAGES = 10;

export interface Day {
  day: string;
  usage: number;
  amount: number;
}

/** The last DAYS days up to `endMs`, oldest first, with the ledger rows summed per UTC day. */
export function perDay(rows: readonly UsageEntry[], endMs: number, days = DAYS): Day[] {
  const end = Math.floor(endMs / DAY_MS);
  const out: Day[] = [];
  for (let d = end - days + 1; d <= end; d++) {
    out.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), usage: 0, amount: 0 });
  }
  for (const row of rows) {
    if (row.released_at) continue;
    const i = Math.floor(Date.parse(row.purchase_at) / DAY_MS) - (end - days + 1);
    const slot = out[i];
    if (!slot) continue;
    slot.usage += row.usage;
    slot.amount += row.amount;
  }
  return out;
}

/** A bar chart drawn here, on the server: plain SVG with a title and a text alternative. */
export function Chart(props: { days: Day[]; pick: (d: Day) => number; label: string; format: (n: number) => string }) {
  const { days, pick } = props;
  const width = 480;
  const height = 180;
  const left = 64;
  const bottom = 24;
  const max = Math.max(...days.map(pick), 1);
  const step = (width - left) / days.length;
  const plot = height - bottom - 8;
  const id = `chart-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={`${id}-title`}>{`${props.label} per day, ${days[0]?.day} to ${days.at(-1)?.day}`}</title>
        <line x1={left} y1={8} x2={left} y2={height - bottom} stroke="#8c959f" />
        <line x1={left} y1={height - bottom} x2={width} y2={height - bottom} stroke="#8c959f" />
        <text x={left - 4} y={14} text-anchor="end">
          {props.format(max)}
        </text>
        <text x={left - 4} y={height - bottom} text-anchor="end">
          0
        </text>
        {days.map((d, i) => {
          const h = Math.round((pick(d) / max) * plot);
          return (
            <rect
              class={`bar ${props.label === 'Amount' ? 'amount' : ''}`}
              x={left + i * step + 1}
              y={height - bottom - h}
              width={Math.max(step - 2, 1)}
              height={h}
            >
              <title>{`${d.day}: ${props.format(pick(d))}`}</title>
            </rect>
          );
        })}
        {days.map((d, i) =>
          (days.length - 1 - i) % 7 === 0 ? (
            <text
              x={i === days.length - 1 ? width : left + i * step + step / 2}
              y={height - 6}
              text-anchor={i === days.length - 1 ? 'end' : 'middle'}
            >
              {d.day.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>{props.label} per day (UTC)</figcaption>
    </figure>
  );
}

async function ledger(c: C, ruleId: string) {
  const rows: UsageEntry[] = [];
  let after = '';
  for (let page = 0; page < LEDGER_PAGES; page++) {
    const api = c.get('api');
    const answer = await api.send(() =>
      api.typed.refs.discounts.rules[':did'].ledger.$get({
        param: api.params({ did: ruleId }),
        query: { limit: String(LEDGER_PAGE), starting_after: after },
      }),
    );
    if (!answer.ok) return { rows, problem: answer.error, partial: false };
    rows.push(...answer.body);
    if (answer.body.length < LEDGER_PAGE) return { rows, partial: false };
    after = answer.body.at(-1)!.id;
  }
  return { rows, partial: true };
}

async function show(c: C) {
  const api = c.get('api');
  const rules = await api.send(() =>
    api.typed.api.discounts.rules.$get({ param: api.params({}), query: { state: 'all', limit: '100' } }),
  );
  const list = rules.ok ? rules.body : [];
  const ruleId = c.req.query('rule') ?? list[0]?.id ?? '';
  const data = ruleId ? await ledger(c, ruleId) : undefined;
  const days = data ? perDay(data.rows, Date.now()) : [];
  return c.html(
    <Page title="Statistics" who={c.get('who')} current="/console/statistics">
      <form method="get" action="/console/statistics" class="row">
        <div class="field">
          <label for="f-rule">Rule</label>
          <select id="f-rule" name="rule">
            {list.map((r) => (
              <option value={r.id} selected={r.id === ruleId}>
                {r.name || r.id}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <Problem problem={rules.ok ? data?.problem : rules.error} />
      {data && !data.problem && (
        <>
          <p class="muted">
            Last {DAYS} days, from the rule's usage ledger (released claims left out).
            {data.partial && ` Only the first ${LEDGER_PAGES * LEDGER_PAGE} ledger rows were read.`}
          </p>
          <Chart days={days} pick={(d) => d.usage} label="Usage" format={(n) => String(n)} />
          <Chart days={days} pick={(d) => d.amount} label="Amount" format={money} />
          <details>
            <summary>The figures as a table</summary>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>Day</th>
                    <th class="num">Usage</th>
                    <th class="num">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {days
                    .filter((d) => d.usage || d.amount)
                    .map((d) => (
                      <tr>
                        <td>{d.day}</td>
                        <td class="num">{d.usage}</td>
                        <td class="num">{money(d.amount)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Page>,
  );
}

export const statisticsPages = new Hono<ConsoleEnv>().get('/', show);
