package dev.pulse.it.apps.kotlin

import java.nio.file.Files
import java.nio.file.Paths
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch

/**
 * Known work on Dispatchers.Default and Dispatchers.IO. First only touches Dispatchers.Default
 * (its scheduler is made, no worker yet) and waits for the file args[0]; then holds
 * [DEFAULT_BUSY] Default tasks (every CPU permit, after burning some CPU) and [IO_BUSY] IO tasks
 * on a latch, with [DEFAULT_QUEUED] more Default tasks waiting for a permit, and prints the
 * scheduler's worker threads that exist; releases them all when the file args[1] appears.
 */
const val DEFAULT_BUSY = 2
const val IO_BUSY = 5
const val DEFAULT_QUEUED = 3

fun main(args: Array<String>) {
    val go = Paths.get(args[0])
    val release = Paths.get(args[1])
    println("app: dispatcher ${Dispatchers.Default}, workers=${workers()}")
    awaitFile(go)
    println("app: workers before any task=${workers()}")

    val held = CountDownLatch(1)
    val started = CountDownLatch(DEFAULT_BUSY + IO_BUSY)
    val scope = CoroutineScope(Dispatchers.Default)
    repeat(DEFAULT_BUSY) {
        scope.launch(Dispatchers.Default) {
            burn(300)
            started.countDown()
            held.await()
        }
    }
    repeat(IO_BUSY) {
        scope.launch(Dispatchers.IO) {
            started.countDown()
            held.await()
        }
    }
    started.await()
    // Every CPU permit is held: these wait in the global CPU queue (launched from a thread that
    // is not a worker).
    repeat(DEFAULT_QUEUED) {
        scope.launch(Dispatchers.Default) { }
    }
    Thread.sleep(500)
    println("app: held workers=${workers()}")
    awaitFile(release)
    held.countDown()
    println("app: released")
    Thread.sleep(60_000)
}

/** The scheduler's worker threads alive now. */
private fun workers(): Int = Thread.getAllStackTraces().keys.count {
    it.name.startsWith("DefaultDispatcher-worker-") && it.isAlive
}

/** Burns [millis] of this thread's CPU time (not wall time: the machine may be busy). */
private fun burn(millis: Long) {
    val cpu = java.lang.management.ManagementFactory.getThreadMXBean()
    val end = cpu.currentThreadCpuTime + TimeUnit.MILLISECONDS.toNanos(millis)
    var x = 0L
    while (cpu.currentThreadCpuTime < end) {
        x += x xor System.nanoTime()
    }
    if (x == 42L) println("app: $x")
}

private fun awaitFile(file: java.nio.file.Path) {
    while (!Files.exists(file)) {
        Thread.sleep(20)
    }
}
