using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote.Hosting;

/// <summary>
/// The chip host's gRPC service: authenticates every call, checks each session's hello against the hosted plan,
/// then runs the session's operations. A refused or failed call ends with a named error (status code and the
/// <c>sdk-error</c> trailer) and takes nothing else down: each call has its own executor and buffers.
/// </summary>
/// <param name="clientCa">The CA whose client certificates are accepted; null only for an insecure loopback host.</param>
/// <param name="clientCertificate">The certificate the call's TLS connection presented (the web server knows it).</param>
/// <param name="log">Where refusals and failures are reported (the host's standard error).</param>
internal sealed class ChipHostService(
    HostedPlan hosted,
    X509Certificate2? clientCa,
    Func<ServerCallContext, X509Certificate2?> clientCertificate,
    Action<string> log) : ChipHost.ChipHostBase
{
    public override Task<HostDescription> Describe(DescribeRequest request, ServerCallContext context)
    {
        Guard(context, () => Authenticate(context));
        var description = new HostDescription
        {
            Host = hosted.HostName,
            Network = hosted.Plan.Name,
            SpecSha256 = hosted.SpecSha256,
            PlanFingerprint = hosted.Fingerprint,
            MaxMessageBytes = hosted.MaxMessageBytes,
            Backend = hosted.Kind.Name,
            Protocol = Messages.Protocol,
        };
        description.Chips.AddRange(hosted.Chips);
        foreach (var chip in hosted.Chips)
        {
            description.WeightsSha256.Add(hosted.WeightsSha256.TryGetValue(chip, out var hash) ? hash : string.Empty);
        }

        return Task.FromResult(description);
    }

    public override async Task Session(IAsyncStreamReader<Request> requests, IServerStreamWriter<Reply> replies, ServerCallContext context)
    {
        HostSession? session = null;
        try
        {
            Authenticate(context);
            if (!await Next(requests, context))
            {
                return;
            }

            var first = requests.Current;
            if (first.Ops.Count != 1 || first.Ops[0].KindCase != Op.KindOneofCase.Hello)
            {
                throw RemoteErrors.Host(RemoteError.MalformedMessage, "a session starts with a hello, alone in its message");
            }

            var (opened, welcome) = HostSession.Open(hosted, first.Ops[0].Hello);
            session = opened;
            await replies.WriteAsync(new Reply { Welcome = welcome });

            var pending = new List<Reply>();
            long busy = 0;
            while (await Next(requests, context))
            {
                foreach (var op in requests.Current.Ops)
                {
                    var start = Stopwatch.GetTimestamp();
                    session.Execute(op, pending);
                    busy += Stopwatch.GetElapsedTime(start).Ticks;
                    foreach (var reply in pending)
                    {
                        reply.HostTicks = busy;
                        busy = 0;
                        await replies.WriteAsync(reply);
                    }

                    pending.Clear();
                }
            }
        }
        catch (Exception e)
        {
            throw Refusal(e, context, session?.Chip);
        }
        finally
        {
            session?.Dispose();
        }
    }

    public override async Task Echo(IAsyncStreamReader<Blob> requests, IServerStreamWriter<Blob> replies, ServerCallContext context)
    {
        try
        {
            Authenticate(context);
            while (await Next(requests, context))
            {
                await replies.WriteAsync(requests.Current);
            }
        }
        catch (Exception e)
        {
            throw Refusal(e, context, null);
        }
    }

    /// <summary>Every call needs a client certificate issued by the configured CA (unless the host is an insecure loopback one).</summary>
    private void Authenticate(ServerCallContext context)
    {
        if (clientCa is null)
        {
            return;
        }

        var certificate = clientCertificate(context);
        if (certificate is null)
        {
            throw RemoteErrors.Host(RemoteError.Unauthenticated, "the caller presented no client certificate; this host accepts callers with a certificate of its client CA");
        }

        if (!Certificates.ChainsTo(certificate, clientCa, Certificates.ClientAuthentication))
        {
            throw RemoteErrors.Host(RemoteError.Unauthenticated, $"the caller's certificate '{certificate.Subject}' is not a client certificate of this host's client CA '{clientCa.Subject}'");
        }
    }

    /// <summary>Reads the next message, naming what is wrong with one that cannot be read.</summary>
    private static async Task<bool> Next<T>(IAsyncStreamReader<T> requests, ServerCallContext context)
    {
        try
        {
            return await requests.MoveNext(context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            throw RemoteErrors.Host(RemoteError.MessageTooLarge, e.Status.Detail);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException || e.InnerException is InvalidProtocolBufferException)
        {
            throw RemoteErrors.Host(RemoteError.MalformedMessage, $"a message is not the protocol: {(e.InnerException ?? e).Message}");
        }
    }

    private void Guard(ServerCallContext context, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            throw Refusal(e, context, null);
        }
    }

    /// <summary>The named error a failed call ends with; logged, except a caller that simply went away.</summary>
    private Exception Refusal(Exception e, ServerCallContext context, int? chip)
    {
        if (context.CancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            return e; // the caller closed the session
        }

        var named = e switch
        {
            RpcException rpc when rpc.Trailers.GetValue(RemoteErrors.Trailer) is not null => rpc,
            ArgumentException or InvalidDataException => RemoteErrors.Host(RemoteError.MalformedMessage, e.Message),
            _ => RemoteErrors.Host(RemoteError.HostFailure, $"{e.GetType().Name}: {e.Message}"),
        };
        log($"{context.Peer}{(chip is { } c ? $" (chip {c})" : string.Empty)}: {named.Status.Detail}");
        return named;
    }
}
