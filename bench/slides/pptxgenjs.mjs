// Baseline for bench/slides: PptxGenJS builds the same 30-slide deck (deck30.json)
// into an in-memory .pptx, median of N after warm-up, inside one node process.
// Usage: node bench/slides/pptxgenjs.mjs deck30.json ITERS [OUT.pptx]
import { createRequire } from "module";
import fs from "fs";
const require = createRequire(import.meta.url);
const PptxGenJS = require("pptxgenjs");

const deck = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const iters = parseInt(process.argv[3] || "10", 10);
const FONT = "Microsoft YaHei";
const RED = "B71C1C";

function build() {
	const p = new PptxGenJS();
	p.layout = "LAYOUT_WIDE";
	p.title = deck.title;
	for (const s of deck.slides) {
		const sl = p.addSlide();
		const title = (t, opts = {}) =>
			sl.addText(t, { x: 0.67, y: 0.35, w: 12, h: 1.1, fontFace: FONT, fontSize: 32, bold: true, color: "9E1B1B", ...opts });
		switch (s.kind) {
		case "title":
		case "closing":
			sl.background = { color: RED };
			title(s.title, { y: 2, h: 1.9, align: "center", fontSize: 44, color: "FFFFFF" });
			sl.addText(s.subtitle, { x: 1, y: 4.1, w: 11.3, h: 1.6, align: "center", fontFace: FONT, fontSize: 24, color: "F6E3B4" });
			break;
		case "section":
			sl.background = { color: RED };
			sl.addText(s.number, { x: 1.5, y: 1.7, w: 10.5, h: 1.2, fontFace: FONT, fontSize: 40, bold: true, color: "F6E3B4" });
			title(s.title, { x: 1.5, y: 3, w: 10.5, h: 1.5, color: "FFFFFF", fontSize: 40 });
			break;
		case "agenda":
			title(s.title);
			sl.addText(s.items.map((t, i) => ({ text: String(i + 1).padStart(2, "0") + "  " + t, options: { breakLine: true } })),
				{ x: 0.67, y: 1.6, w: 12, h: 5.3, fontFace: FONT, fontSize: 28, valign: "top" });
			break;
		case "bullets":
			title(s.title);
			sl.addText(s.bullets.map((t) => ({ text: t, options: { bullet: true, breakLine: true } })),
				{ x: 0.67, y: 1.6, w: 12, h: 5.3, fontFace: FONT, fontSize: 24, valign: "top" });
			sl.addNotes(s.notes);
			break;
		case "table":
			title(s.title);
			sl.addTable(s.rows.map((r, i) => r.map((c) => ({ text: c, options: i === 0 ? { bold: true, color: "FFFFFF", fill: { color: "C00000" } } : {} }))),
				{ x: 0.67, y: 1.6, w: 12, fontFace: FONT, fontSize: 16 });
			break;
		case "chart":
			title(s.title);
			sl.addChart(p.ChartType.bar, s.series.map((x) => ({ name: x.name, labels: s.cats, values: x.values })),
				{ x: 0.67, y: 1.6, w: 12, h: 5.3, barDir: "col", showLegend: true, legendPos: "b", chartColors: ["C00000", "D4A017"] });
			break;
		case "two":
			title(s.title);
			for (const [k, x] of [["left", 0.67], ["right", 6.87]]) {
				sl.addText([{ text: s[k + "_title"], options: { bold: true, color: "C00000", breakLine: true } },
					...s[k].map((t) => ({ text: t, options: { bullet: true, breakLine: true } }))],
				{ x, y: 1.6, w: 5.8, h: 5.3, fontFace: FONT, fontSize: 24, valign: "top" });
			}
			break;
		}
	}
	return p;
}

async function once() {
	const t0 = process.hrtime.bigint();
	const buf = await build().write({ outputType: "nodebuffer" });
	return [Number(process.hrtime.bigint() - t0) / 1e6, buf];
}

const times = [];
let last;
for (let i = 0; i < 3; i++) await once(); // warm-up (JIT)
for (let i = 0; i < iters; i++) {
	const [ms, buf] = await once();
	times.push(ms);
	last = buf;
}
if (process.argv[4]) fs.writeFileSync(process.argv[4], last);
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median_ms: times[Math.floor(times.length / 2)], min_ms: times[0], iters, bytes: last.length, slides: deck.slides.length }));
