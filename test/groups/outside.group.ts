// test/groups/groups.cjs lists this group's files; test/groups/load.ts loads them into this worker
import { loadGroup } from "./load"

loadGroup(__filename)
