/**
 * Sample data like the extruder controller's: timestamped CSV logs (heaters warming towards their
 * targets under a proportional controller, motor temperature following RPM) written by three logger
 * versions with different headers, line ends and event columns, with occasional non-numeric
 * readings and broken lines; plus a config.json. Deterministic for a given seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seededRandom } from '../sample-data/seeded-random';

export interface SeedOptions {
  readonly logsDir: string;
  readonly configPath: string;
  readonly files: number;
  readonly rows: number;
  readonly seed: number;
  /** Share of lines that are broken (wrong field count or timestamp); default 0.002. */
  readonly badRate?: number;
  /** Share of readings that are not numbers ("nan", "ERR"); default 0.005. */
  readonly nonNumericRate?: number;
  /** First file's start time. */
  readonly start?: Date;
}

export interface SeedReport {
  readonly files: readonly string[];
  readonly lines: number;
  readonly broken: number;
  readonly events: number;
}

/** mulberry32: small, fast, reproducible. */
export function random(seed: number): () => number {
  return seededRandom(seed);
}

const versions = [
  { header: 'Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed', eol: '\n', bom: false, events: false, lower: false },
  { header: 'Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed,Event_Level,Event_Message', eol: '\r\n', bom: true, events: true, lower: false },
  { header: 'timestamp,target_z1,target_z2,t1_feed,t2_mid,t3_nozzle,t_motor,pwr_z1_pct,pwr_z2_pct,rpm_main,rpm_feed,level,message', eol: '\n', bom: false, events: true, lower: true },
] as const;

const messages = ['Heater Z1 reached target', 'Heater Z2 reached target', 'Motor started', 'Feed motor stalled, retrying', 'T_Motor high: "check cooling"', 'Filament runout sensor, pausing'];

export async function seedLogs(options: SeedOptions): Promise<SeedReport> {
  const rand = random(options.seed);
  const badRate = options.badRate ?? 0.002;
  const nonNumericRate = options.nonNumericRate ?? 0.005;
  await mkdir(options.logsDir, { recursive: true });
  await mkdir(path.dirname(options.configPath), { recursive: true });
  const files: string[] = [];
  let lines = 0;
  let broken = 0;
  let events = 0;
  let clock = (options.start ?? new Date(Date.UTC(2025, 2, 1, 8, 0, 0))).getTime();
  for (let f = 0; f < options.files; f++) {
    const version = versions[f % versions.length];
    const name = `run_${new Date(clock).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)}.csv`;
    const parts: string[] = [version.bom ? `\uFEFF${version.header}` : version.header];
    const target1 = 180 + Math.round(rand() * 4) * 5;
    const target2 = target1 + 10;
    let t1 = 22 + rand() * 3;
    let t2 = t1;
    let t3 = t1;
    let tm = 25;
    let rpm = 0;
    let micros = Math.floor(rand() * 1000) * 1000;
    for (let r = 0; r < options.rows; r++) {
      const pwr1 = Math.max(0, Math.min(100, (target1 - t1) * 8));
      const pwr2 = Math.max(0, Math.min(100, (target2 - t2) * 8));
      t1 += pwr1 * 0.02 - (t1 - 22) * 0.002 + (rand() - 0.5) * 0.2;
      t2 += pwr2 * 0.02 - (t2 - 22) * 0.002 + (rand() - 0.5) * 0.2;
      t3 += (t2 - t3) * 0.05 + (rand() - 0.5) * 0.1;
      rpm = t3 > target2 - 5 ? Math.min(120, rpm + 2) : Math.max(0, rpm - 5);
      tm += (25 + rpm * 0.3 - tm) * 0.01;
      micros += 1_000_000 + Math.floor((rand() - 0.5) * 2000);
      const at = new Date(clock + Math.floor(micros / 1000));
      const stamp = `${at.toISOString().slice(0, 19)}.${String(micros % 1_000_000).padStart(6, '0')}`;
      const readings = [t1, t2, t3, tm].map((v) => num(v, rand, nonNumericRate));
      const targets = [String(target1), String(target2)];
      const powers = [pwr1, pwr2].map((v) => num(v, rand, nonNumericRate));
      const rpms = [num(rpm, rand, nonNumericRate), num(rpm * 0.25, rand, nonNumericRate)];
      let fields = version.lower
        ? [stamp, ...targets, ...readings, ...powers, ...rpms]
        : [stamp, ...readings, ...targets, ...powers, ...rpms];
      const eventRoll = rand();
      if (version.events) {
        if (eventRoll < 0.01) {
          const message = messages[Math.floor(rand() * messages.length)];
          fields = [stamp, ...fields.slice(1).map(() => ''), eventRoll < 0.003 ? 'WARNING' : 'INFO', quote(message)];
          events++;
        } else {
          fields.push('', '');
        }
      }
      const badRoll = rand();
      if (badRoll < badRate / 2) {
        fields = fields.slice(0, 4 + Math.floor(rand() * 4)); // a line cut short (power loss)
        broken++;
      } else if (badRoll < badRate) {
        fields[0] = stamp.replace(/\d{2}:\d{2}/, '??:??');
        broken++;
      }
      parts.push(fields.join(','));
      lines++;
    }
    clock += options.rows * 1000 + 3_600_000;
    const file = path.join(options.logsDir, name);
    await writeFile(file, `${parts.join(version.eol)}${version.eol}`);
    files.push(file);
  }
  await writeFile(options.configPath, `${JSON.stringify(sampleConfig(options.seed), null, 2)}\n`);
  return { files, lines, broken, events };
}

function num(value: number, rand: () => number, rate: number): string {
  if (rand() < rate) return rand() < 0.5 ? 'nan' : 'ERR';
  return value.toFixed(2);
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function sampleConfig(seed: number): Record<string, unknown> {
  return {
    profile_name: 'extruder-main',
    pid: { z1: { kp: 8, ki: 0.02, kd: 1.5 }, z2: { kp: 8, ki: 0.02, kd: 1.5 }, seed },
    dm556: { microsteps: 1600, current_a: 3.2, enable_pin: 17 },
    gpio: { heater_z1: 18, heater_z2: 23, fan: 24, estop: 25 },
    pwm: { channels: [{ id: 0, freq_hz: 10 }, { id: 1, freq_hz: 10 }] },
    sequencing: { preheat_before_motor: true, cooldown_on_stop: true },
  };
}
