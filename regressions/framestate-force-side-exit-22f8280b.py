# jitdiff regression: FrameState at _FORCE_SIDE_EXIT on jit-a64+stress+checkregs,jit-a64+stress+sideexit=5+checkguards+cache=random,jit-native,jit-native+stress,jit-native+stress+sideexit=5+checkguards+cache=random,jit-x86+stress+checkregs,jit-x86+stress+sideexit=5+checkguards+cache=random
# signature: FrameState at _FORCE_SIDE_EXIT on jit-a64+stress+checkregs,jit-a64+stress+sideexit=5+checkguards+cache=random,jit-native,jit-native+stress,jit-native+stress+sideexit=5+checkguards+cache=random,jit-x86+stress+checkregs,jit-x86+stress+sideexit=5+checkguards+cache=random
# configurations: jit-a64+stress+checkregs,jit-a64+stress+sideexit=5+checkguards+cache=random,jit-native,jit-native+stress,jit-native+stress+sideexit=5+checkguards+cache=random,jit-x86+stress+checkregs,jit-x86+stress+sideexit=5+checkguards+cache=random
# origin: /tmp/fzg/finding-31-305.py
# date: 2026-12-03
a = ''
for b in range(151):
    a += '%d] %f\t'
