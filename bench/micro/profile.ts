import { profileAll } from "./jfb-patches.ts"

/**
 * Where the bytes of each js-framework-benchmark op's patch list go: header, ops (by op
 * type) and new strings, and for the ops that create rows, bytes per created element
 * besides the strings (issue 6's target: at most 24). Encoder only, no DOM.
 */
const profiles = profileAll()
console.log("\n| operation | bytes | ops | strings section | new strings | per created element (ops + header) | biggest op types |")
console.log("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for (const p of profiles) {
  const perElement = p.createdElements > 0 ? ((p.bytes - p.stringSectionBytes) / p.createdElements).toFixed(1) : ""
  const top = Object.entries(p.byOp)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 4)
    .map(([name, v]) => `${name} ${v.count}× ${v.bytes} B`)
    .join(", ")
  console.log(`| ${p.op} | ${p.bytes} | ${p.opBytes} | ${p.stringSectionBytes} | ${p.newStrings} | ${perElement} | ${top} |`)
}
