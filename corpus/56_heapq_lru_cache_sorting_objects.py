# A task scheduler: heapq priority queues of tuples and of objects ordered by __lt__, an lru_cache'd cost, reduce, sorted/min/max/in/remove on instances
import heapq
from functools import lru_cache, reduce


class Task:
    def __init__(self, name, priority, cost):
        self.name = name
        self.priority = priority
        self.cost = cost

    def __lt__(self, other):
        return (self.priority, self.name) < (other.priority, other.name)

    def __eq__(self, other):
        return isinstance(other, Task) and self.name == other.name

    def __repr__(self):
        return "Task(%r, %d)" % (self.name, self.priority)


@lru_cache(maxsize=16)
def effort(cost):
    return sum(i * i for i in range(cost)) % 97


def schedule(tasks, workers):
    queue = list(tasks)
    heapq.heapify(queue)
    busy = []
    done = []
    clock = 0
    while queue or busy:
        while queue and len(busy) < workers:
            t = heapq.heappop(queue)
            heapq.heappush(busy, (clock + effort(t.cost), t.name))
        clock, name = heapq.heappop(busy)
        done.append((name, clock))
    return done


names = ["build", "test", "lint", "docs", "deploy", "bench", "fuzz", "triage"]
tasks = [Task(n, (i * 5) % 4, 3 + (i * 7) % 11) for i, n in enumerate(names)]
print(sorted(tasks))
print(min(tasks), max(tasks), Task("docs", 0, 0) in tasks, tasks.index(Task("fuzz", 0, 0)))
plan = schedule(tasks, 3)
print(plan)
print(reduce(lambda acc, p: max(acc, p[1]), plan, 0))
tasks.remove(Task("lint", 0, 0))
tasks.sort(reverse=True)
print(tasks)
total = 0
for round in range(60):
    pq = []
    for t in tasks:
        heapq.heappush(pq, (effort(t.cost + round % 5), t))
    total += reduce(lambda a, b: a + b, [heapq.heappop(pq)[0] for _ in range(3)])
print(total)
