import type { RawIndicator } from '../schemas/indicators.ts';

/**
 * Interface between the truth model (generator/truth.ts: the documented data-generating process)
 * and the spreadsheet writers (generator/write-*.ts: yearbook, EPS and vendor layouts with their quirks).
 * Values are in the canonical unit of RAW_INDICATORS[indicator].unit; writers may re-express them
 * (亿元 instead of 万元, 人 instead of 万人) as a real file would, and declare the unit they used.
 */
export interface CityObservation {
  indicator: RawIndicator;
  year: number;                 // data year (a yearbook of edition Y reports year Y-1)
  city_code: string;            // code of the reporting unit: the canonical (end-of-panel) code, except a merged
                                // predecessor that is still reported on its own (莱芜 371200 for years <= 2018)
  scope: '全市' | '市辖区';
  value: number | null;         // null = missing in the raw files (writers choose the missing marker)
}

export interface ProvinceObservation {
  indicator: RawIndicator;      // provincial series (ecommerce_volume)
  year: number;
  province_code: string;        // e.g. '110000'
  value: number | null;
}

export interface SampleTruth {
  seed: number;
  years: number[];              // 2011..2022
  city: CityObservation[];
  province: ProvinceObservation[];
  truthJson: Record<string, unknown>; // written to raw/truth.json
  truthMd: string;                    // written to raw/TRUTH.md
}
