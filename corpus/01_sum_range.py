# Hot for-loop accumulator (the seed article's sum_range): BINARY_OP_ADD_INT / FOR_ITER_RANGE specialization.
def sum_range(n):
    total = 0
    for i in range(n):
        total += i
    return total


print(sum_range(10))
print(sum_range(10000))
