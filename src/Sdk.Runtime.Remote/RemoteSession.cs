using System;
using System.Diagnostics;
using System.Threading;
using Grpc.Core;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote;

/// <summary>
/// One executor's session with its host: a bidirectional gRPC stream. Operations that return nothing are
/// collected and sent together with the next one that returns something, so a chip's share of a micro-batch
/// (unpack, layers, pack) is one message and one reply. Every wait has a deadline. A session that failed is
/// closed; the next operation opens a new one (a restarted host is found again) and replays what the host must
/// know first (weights, batch size) through <c>onOpen</c>. Used by one thread at a time, like its executor.
/// </summary>
internal sealed class RemoteSession : IDisposable
{
    /// <summary>Operations collected beyond this are sent without waiting for a reply, keeping messages moderate.</summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>Room for the request's own framing within the host's message limit.</summary>
    private const int Framing = 4096;

    private readonly RemoteChip _chip;
    private readonly Hello _hello;
    private readonly Action<Welcome> _onOpen;
    private Request _pending = new();
    private long _pendingBytes;
    private AsyncDuplexStreamingCall<Request, Reply>? _call;
    private long _maxMessage = long.MaxValue;
    private bool _disposed;

    public RemoteSession(RemoteChip chip, Hello hello, Action<Welcome> onOpen)
    {
        _chip = chip;
        _hello = hello;
        _onOpen = onOpen;
    }

    public int PlanChip => _hello.Chip;

    public RemoteChipStats Stats => _chip.Stats;

    /// <summary>Opens the session now (a model's creation fails here on a wrong plan or weights) unless it is open.</summary>
    public void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_call is not null)
        {
            return;
        }

        var call = _chip.Client.Session();
        _call = call;
        try
        {
            var hello = new Request();
            hello.Ops.Add(new Op { Hello = _hello });
            Write(call, hello, _chip.Options.ConnectTimeout);
            var reply = Read(call, _chip.Options.ConnectTimeout);
            if (reply.KindCase != Reply.KindOneofCase.Welcome)
            {
                throw Error(RemoteError.MalformedMessage, $"the host answered the hello with {reply.KindCase}, not a welcome");
            }

            _maxMessage = reply.Welcome.MaxMessageBytes;
            _chip.Stats.AddSession();
            _onOpen(reply.Welcome);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    /// <summary>Queues an operation that returns nothing; <paramref name="payload"/> tensor bytes are counted as sent.</summary>
    public void Post(Op op, long payload = 0, bool cut = false)
    {
        EnsureOpen();
        var size = op.CalculateSize();
        if (size > _maxMessage - Framing)
        {
            var what = op.KindCase == Op.KindOneofCase.Unpack ? $"cut {op.Unpack.Cut}" : op.KindCase.ToString();
            // Closed: what was queued (weights, say) is lost with it, and the next operation reopens and replays.
            throw Fail(Error(RemoteError.MessageTooLarge, $"{what} takes {size} bytes, more than the host accepts in one message ({_maxMessage}); use smaller batches or micro-batches, or start the host with a larger --max-message-mib"));
        }

        if (_pendingBytes + size > Math.Min(FlushBytes, _maxMessage - Framing))
        {
            Flush();
        }

        _pending.Ops.Add(op);
        _pendingBytes += size;
        _chip.Stats.AddPayloadSent(payload, cut);
    }

    /// <summary>Sends what is queued and <paramref name="op"/>, and waits for its reply.</summary>
    public Reply Call(Op op, long payload = 0, bool cut = false)
    {
        Post(op, payload, cut);
        var start = Stopwatch.GetTimestamp();
        Flush();
        var reply = Next();
        _chip.Stats.AddRoundTrip(Stopwatch.GetTimestamp() - start);
        return reply;
    }

    /// <summary>The next reply (for operations answered by several).</summary>
    public Reply Next()
    {
        var call = _call ?? throw new InvalidOperationException("The session is not open.");
        try
        {
            var reply = Read(call, _chip.Options.CallTimeout);
            _chip.Stats.AddHostTicks(reply.HostTicks);
            return reply;
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    /// <summary>An error about this session's chip and host.</summary>
    public RemoteChipException Error(RemoteError error, string detail) => new(error, _hello.Chip, _chip.Address, detail);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Close();
        }
    }

    private void Flush()
    {
        if (_pending.Ops.Count == 0)
        {
            return;
        }

        var call = _call!;
        var request = _pending;
        _pending = new Request();
        _pendingBytes = 0;
        try
        {
            Write(call, request, _chip.Options.CallTimeout);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    private void Write(AsyncDuplexStreamingCall<Request, Reply> call, Request request, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            call.RequestStream.WriteAsync(request, deadline.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw Error(RemoteError.Timeout, $"a message could not be sent within {timeout.TotalSeconds:0.###} s (the host does not read, or the network stalls)");
        }
    }

    private Reply Read(AsyncDuplexStreamingCall<Request, Reply> call, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        bool more;
        try
        {
            more = call.ResponseStream.MoveNext(deadline.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw Error(RemoteError.Timeout, $"no reply within {timeout.TotalSeconds:0.###} s (the host hangs, or the network stalls)");
        }

        if (!more)
        {
            throw Error(RemoteError.HostUnavailable, "the host ended the session");
        }

        return call.ResponseStream.Current;
    }

    /// <summary>
    /// Closes a failed session and says why it failed. When a write failed because the host had already ended the
    /// call (it rejected something), the host's named error is in the call's status: read it rather than report
    /// the write.
    /// </summary>
    private RemoteChipException Fail(Exception exception)
    {
        var call = _call;
        if (exception is not RemoteChipException && exception is not RpcException { Trailers.Count: > 0 } && call is not null)
        {
            try
            {
                using var briefly = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                call.ResponseStream.MoveNext(briefly.Token).GetAwaiter().GetResult();
            }
            catch (RpcException status) when (status.Trailers.GetValue(RemoteErrors.Trailer) is not null)
            {
                exception = status;
            }
            catch (Exception)
            {
                // Nothing better to report than the original failure.
            }
        }

        Close();
        return RemoteErrors.Translate(exception, _hello.Chip, _chip.Address);
    }

    private void Drop()
    {
        _pending = new Request();
        _pendingBytes = 0;
    }

    private void Close()
    {
        Drop();
        var call = _call;
        _call = null;
        _maxMessage = long.MaxValue;
        call?.Dispose(); // cancels the stream; the host's session ends and frees its buffers
    }
}
