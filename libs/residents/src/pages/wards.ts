export interface Option {
  value: string;
  label: string;
}

export interface WardGroup {
  label: string;
  options: Option[];
}

/** Ward picker data: wards grouped by NPU (one <optgroup> each). */
export function groupWards(npus: { code: string; name: string }[], wards: { code: string; name: string; npuCode: string }[]): WardGroup[] {
  return npus
    .map((npu) => ({
      label: npu.name,
      options: wards
        .filter((w) => w.npuCode === npu.code)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((w) => ({ value: w.code, label: w.name })),
    }))
    .filter((g) => g.options.length);
}
