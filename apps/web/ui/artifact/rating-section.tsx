import type { ModelRating, SizeScore } from '../api/types';
import { ScoreBar } from '../components/badges';

const METRICS: Array<[key: string, label: string]> = [
  ['ramp_up_time', 'Ramp-up time'],
  ['bus_factor', 'Bus factor'],
  ['performance_claims', 'Performance claims'],
  ['license', 'License'],
  ['dataset_and_code_score', 'Dataset and code'],
  ['dataset_quality', 'Dataset quality'],
  ['code_quality', 'Code quality'],
  ['reproducibility', 'Reproducibility'],
  ['reviewedness', 'Reviewedness'],
  ['tree_score', 'Tree score'],
];
const DEVICES: Array<[keyof SizeScore, string]> = [
  ['raspberry_pi', 'Raspberry Pi'],
  ['jetson_nano', 'Jetson Nano'],
  ['desktop_pc', 'Desktop PC'],
  ['aws_server', 'AWS server'],
];

const latency = (rating: ModelRating, key: string): string | undefined => {
  const value = rating[`${key}_latency`];
  return typeof value === 'number' ? `computed in ${value.toFixed(3)} s` : undefined;
};
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** The course's ModelRating: net score first, then every sub-score as a bar; the latency shows on hover and is read out. */
export function RatingSection({ rating }: { rating: ModelRating }) {
  return (
    <section aria-labelledby="rating-title">
      <h2 id="rating-title">Rating</h2>
      <div className="net-score">
        <ScoreBar label="Net score" value={num(rating['net_score'])} title={latency(rating, 'net_score')} />
      </div>
      <div className="scores">
        {METRICS.map(([key, label]) => (
          <ScoreBar key={key} label={label} value={num(rating[key])} title={latency(rating, key)} />
        ))}
      </div>
      <h3>Size score by device</h3>
      <div className="scores">
        {DEVICES.map(([key, label]) => (
          <ScoreBar key={key} label={label} value={num(rating.size_score?.[key])} title={latency(rating, 'size_score')} />
        ))}
      </div>
    </section>
  );
}
