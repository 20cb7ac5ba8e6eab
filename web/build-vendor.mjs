// Builds kg/view/assets/vendor/sigma-graphology.min.js (sigma.js + graphology as window.KGSigma)
// and its licence file from the versions pinned in package-lock.json:
//   npm ci && node build-vendor.mjs          # write the bundle and licences
//   node build-vendor.mjs --check            # exit 1 if the committed files differ from a rebuild
import { build } from "esbuild";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "kg", "view", "assets", "vendor");
const bundlePath = join(out, "sigma-graphology.min.js");
const licencePath = join(out, "sigma-graphology.LICENSE.txt");

// the package folder (node_modules/NAME or node_modules/@scope/NAME) an input file comes from
function packageOf(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1] : null;
}

function licences(packages) {
  const parts = ["Third-party code in sigma-graphology.min.js (bundled by web/build-vendor.mjs).", ""];
  for (const name of packages) {
    const dir = join(here, "node_modules", name);
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "license"].map((f) => join(dir, f)).find(existsSync);
    parts.push("=".repeat(78), `${name} ${meta.version} (${meta.license})`, "=".repeat(78));
    parts.push(file ? readFileSync(file, "utf8").trim() : `${meta.license} licence; no licence file in the package.`, "");
  }
  return parts.join("\n");
}

async function bundle() {
  const result = await build({
    entryPoints: [join(here, "src", "sigma-entry.js")],
    bundle: true, minify: true, format: "iife", target: "es2019", write: false, metafile: true,
    legalComments: "none", charset: "utf8",
  });
  const packages = [...new Set(Object.keys(result.metafile.inputs).map(packageOf).filter(Boolean))].sort();
  const versions = packages.map((p) => `${p}@${JSON.parse(readFileSync(join(here, "node_modules", p, "package.json"), "utf8")).version}`);
  const banner = `/* ${versions.join(", ")}: MIT licensed, see sigma-graphology.LICENSE.txt; built by web/build-vendor.mjs */\n`;
  return { code: banner + result.outputFiles[0].text, licence: licences(packages) };
}

const { code, licence } = await bundle();
if (process.argv.includes("--check")) {
  const same = existsSync(bundlePath) && readFileSync(bundlePath, "utf8") === code
    && existsSync(licencePath) && readFileSync(licencePath, "utf8") === licence;
  if (!same) {
    console.error(`${bundlePath} is not what web/build-vendor.mjs builds from package-lock.json: run it and commit`);
    process.exit(1);
  }
  console.log(`vendored bundle up to date (${code.length} bytes)`);
} else {
  writeFileSync(bundlePath, code);
  writeFileSync(licencePath, licence);
  console.log(`wrote ${bundlePath} (${code.length} bytes) and ${licencePath}`);
}
