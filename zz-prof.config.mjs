import base from "./ava.config.mjs"
export default { ...base, require: [...base.require, "./tools/zz-prof.mjs"] }
