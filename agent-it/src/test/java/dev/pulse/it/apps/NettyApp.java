package dev.pulse.it.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Netty server on a free loopback port with a boss group (Netty's default thread names), an
 * I/O group ("io") and a DefaultEventExecutorGroup for its business handler ("business"). Two
 * clients connect and send a line; each line's business handler burns 300 ms of CPU and then
 * waits; tasks are queued behind the held handlers and behind a held I/O loop. The app prints
 * each group's figures as Netty gives them (live threads by name, the children's pendingTasks(),
 * executorCount()) once they hold still, then waits until it is stopped. With a file name as
 * its argument, once that file appears (after an attach) a third client connects and the figures
 * are printed again, tagged "late".
 */
public final class NettyApp {

    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final List<ChannelHandlerContext> HELD = new CopyOnWriteArrayList<>();
    private static final CountDownLatch ENTERED = new CountDownLatch(2);

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup boss = new NioEventLoopGroup(1);
        NioEventLoopGroup io = new NioEventLoopGroup(3, new DefaultThreadFactory("io"));
        DefaultEventExecutorGroup business = new DefaultEventExecutorGroup(4, new DefaultThreadFactory("business"));
        Channel server = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(business, new HeldHandler());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
            OutputStream out = client.getOutputStream();
            out.write(("job " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            clients.add(client);
        }
        if (!ENTERED.await(30, TimeUnit.SECONDS)) {
            System.out.println("app: the handlers did not run");
            return;
        }
        // Tasks behind the held business handlers, and behind a held I/O loop.
        queue(HELD.get(0).executor(), 3);
        queue(HELD.get(1).executor(), 2);
        EventLoop loop = HELD.get(0).channel().eventLoop();
        CountDownLatch looping = new CountDownLatch(1);
        loop.execute(() -> {
            looping.countDown();
            awaitRelease();
        });
        looping.await(30, TimeUnit.SECONDS);
        queue(loop, 4);

        System.out.print(stableFigures("", boss, io, business));
        System.out.println("app: netty ready on " + port + " boss thread " + threadNamed("nioEventLoopGroup-"));
        if (args.length > 0) {
            // Made before an attach: a third connection uses the I/O and business groups again.
            Path go = Paths.get(args[0]);
            while (!Files.exists(go)) {
                Thread.sleep(50);
            }
            Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
            client.getOutputStream().write("job 2\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            clients.add(client);
            while (HELD.size() < 3) {
                Thread.sleep(20);
            }
            System.out.print(stableFigures("late ", boss, io, business));
            System.out.println("app: netty late ready");
        }
        RELEASE.await();
        clients.forEach(client -> {
            try {
                client.close();
            } catch (java.io.IOException ignored) {
                // stopping anyway
            }
        });
    }

    /** Each group's figures once they are the same five times in a row, 100 ms apart. */
    private static String stableFigures(String tag, MultithreadEventExecutorGroup boss, MultithreadEventExecutorGroup io,
            MultithreadEventExecutorGroup business) throws InterruptedException {
        String figures = "";
        for (int same = 0; same < 5; ) {
            Thread.sleep(100);
            String now = figures(tag + "boss", boss, "nioEventLoopGroup-") + figures(tag + "io", io, "io-")
                    + figures(tag + "business", business, "business-");
            same = now.equals(figures) ? same + 1 : 0;
            figures = now;
        }
        return figures;
    }

    /** Netty's own figures of one group: its live threads (by name), its children's pendingTasks(), its size. */
    private static String figures(String role, MultithreadEventExecutorGroup group, String threadPrefix) {
        int pending = 0;
        for (EventExecutor child : group) {
            pending += ((SingleThreadEventExecutor) child).pendingTasks();
        }
        long threads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(threadPrefix) && thread.isAlive()).count();
        return "app: netty " + role + " threads=" + threads + " pending=" + pending + " max=" + group.executorCount()
                + "\n";
    }

    private static String threadNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).findFirst().orElse("none");
    }

    private static void queue(EventExecutorGroup executor, int tasks) {
        for (int i = 0; i < tasks; i++) {
            executor.execute(() -> { });
        }
    }

    private static void awaitRelease() {
        try {
            RELEASE.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Burns 300 ms of its thread's CPU time, then holds its business thread until the app ends. */
    static final class HeldHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ReferenceCountUtil.release(message);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long until = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(300);
            long spin = 0;
            while (threads.getCurrentThreadCpuTime() < until) {
                spin += System.nanoTime() % 7;
            }
            if (spin == 42) {
                System.out.println("app: spun");
            }
            HELD.add(context);
            ENTERED.countDown();
            awaitRelease();
        }
    }
}
