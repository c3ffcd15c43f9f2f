using System;
using System.IO;
using System.Net.Http;
using System.Security.Authentication;
using Grpc.Core;

namespace Sdk.Runtime.Remote;

/// <summary>How a named error crosses gRPC: a status code plus the <c>sdk-error</c> trailer holding its name.</summary>
internal static class RemoteErrors
{
    public const string Trailer = "sdk-error";

    /// <summary>An error the host reports: the call ends with it, the host goes on serving other calls.</summary>
    public static RpcException Host(RemoteError error, string detail)
    {
        var code = error switch
        {
            RemoteError.Unauthenticated => StatusCode.Unauthenticated,
            RemoteError.PlanMismatch or RemoteError.WeightsMismatch or RemoteError.ChipNotServed => StatusCode.FailedPrecondition,
            RemoteError.MessageTooLarge => StatusCode.ResourceExhausted,
            RemoteError.MalformedMessage => StatusCode.InvalidArgument,
            _ => StatusCode.Internal,
        };
        return new RpcException(new Status(code, $"{error}: {detail}"), new Metadata { { Trailer, error.ToString() } });
    }

    /// <summary>What a failed call means for the caller: the host's named error, or what broke on the way.</summary>
    public static RemoteChipException Translate(Exception exception, int chip, string host)
    {
        if (exception is RemoteChipException known)
        {
            return known;
        }

        if (exception is RpcException rpc)
        {
            var named = rpc.Trailers.GetValue(Trailer);
            if (named is not null && Enum.TryParse<RemoteError>(named, out var error))
            {
                var detail = rpc.Status.Detail.StartsWith(named + ": ", StringComparison.Ordinal) ? rpc.Status.Detail[(named.Length + 2)..] : rpc.Status.Detail;
                return new RemoteChipException(error, chip, host, detail, rpc);
            }

            if (FindInner<AuthenticationException>(rpc) is { } tls)
            {
                return new RemoteChipException(RemoteError.HostNotTrusted, chip, host, $"the TLS handshake failed: {tls.Message}", rpc);
            }

            return rpc.StatusCode switch
            {
                StatusCode.ResourceExhausted => new RemoteChipException(RemoteError.MessageTooLarge, chip, host, rpc.Status.Detail, rpc),
                StatusCode.DeadlineExceeded => new RemoteChipException(RemoteError.Timeout, chip, host, rpc.Status.Detail, rpc),
                _ => new RemoteChipException(RemoteError.HostUnavailable, chip, host, $"{rpc.StatusCode}: {rpc.Status.Detail}", rpc),
            };
        }

        if (exception is OperationCanceledException)
        {
            return new RemoteChipException(RemoteError.Timeout, chip, host, "no reply in time", exception);
        }

        if (FindInner<AuthenticationException>(exception) is { } auth)
        {
            return new RemoteChipException(RemoteError.HostNotTrusted, chip, host, $"the TLS handshake failed: {auth.Message}", exception);
        }

        if (exception is IOException or HttpRequestException)
        {
            return new RemoteChipException(RemoteError.HostUnavailable, chip, host, exception.Message, exception);
        }

        return new RemoteChipException(RemoteError.HostFailure, chip, host, exception.Message, exception);
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
