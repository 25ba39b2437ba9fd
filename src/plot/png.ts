// PNG from the SVG, in Node alone: resvg (Rust, shipped prebuilt inside its npm packages; an optional
// peer dependency, as its 4 MB binary serves PNG alone) with the DejaVu Sans font file memprof ships
// (fonts/), so the picture looks the same on every machine, fonts installed or not (servers and CI
// often have none). One face is enough: bold headings are drawn with it too, and the 12 MB of the
// whole DejaVu family stay out of every install.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Pixels per SVG unit in PNG files: 2 gives sharp text on high-density screens and in docs. */
export const PNG_SCALE = 2;

export class PngError extends Error {}

/** fonts/DejaVuSans.ttf of the package (from dist/src/plot/). */
const FONT_FILE = join(__dirname, '..', '..', '..', 'fonts', 'DejaVuSans.ttf');

function fontFiles(): string[] {
  return existsSync(FONT_FILE) ? [FONT_FILE] : [];
}

export function svgToPng(svg: string, scale = PNG_SCALE): Buffer {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));
  } catch (error) {
    throw new PngError(
      `PNG output needs the package @resvg/resvg-js (npm install --save-dev @resvg/resvg-js) with its binary for ${process.platform}-${process.arch} (${(error as Error).message.split('\n')[0]}); or use -o with .svg or .html`,
    );
  }
  const fonts = fontFiles();
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    // The bundled font: same picture everywhere, and no slow scan of the system's fonts. Without it
    // (a checkout missing the file), the system's fonts are the fallback.
    font: fonts.length > 0 ? { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } : { loadSystemFonts: true },
    logLevel: 'off',
  });
  return renderer.render().asPng();
}

/** Width and height from a PNG's IHDR chunk; undefined when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((byte, index) => bytes[index] !== byte)) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}
