# The WebAssembly shadow stack's pointer, for the simulator: each FreeRTOS
# task (freertos_sim.c) has a C stack of its own, and the simulator
# (sim/firmware/tasks.ts) points __stack_pointer at it while the task runs
# (C cannot name the global; clang 14 cannot export a mutable one).
.globaltype __stack_pointer, i32

.globl sim_sp_get
.export_name sim_sp_get, sim_sp_get
sim_sp_get:
  .functype sim_sp_get () -> (i32)
  global.get __stack_pointer
  end_function

.globl sim_sp_set
.export_name sim_sp_set, sim_sp_set
sim_sp_set:
  .functype sim_sp_set (i32) -> ()
  local.get 0
  global.set __stack_pointer
  end_function
