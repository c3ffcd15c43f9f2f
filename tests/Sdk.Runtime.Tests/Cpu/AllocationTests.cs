using System;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    /// <summary>After the first call of a shape (scratch grows then), the kernels allocate nothing.</summary>
    public class AllocationTests
    {
        [Fact]
        public void HotPathKernelsDoNotAllocate()
        {
            // A one-thread pool keeps all work on this thread, so the per-thread allocation counter sees all of it.
            using var pool = new CpuWorkerPool(1);
            CpuWorkerPool.MakeCurrent(pool);
            try
            {
                var d = Conv2DDescriptor.Square(8, 12, 12, 16, 3, padding: 1, activation: Activation.Relu);
                var small = Conv2DDescriptor.Square(8, 3, 3, 16, 3, padding: 1);
                var dw = Conv2DDescriptor.Square(8, 12, 12, 8, 3, padding: 1, groups: 8);
                var plan = new ConvPlan(d);
                var smallPlan = new ConvPlan(small);
                var dwPlan = new ConvPlan(dw);
                int batch = 3;
                float[] x = TestUtil.Random(batch * d.InputSampleLength, 1), w = TestUtil.Random(d.WeightLength, 2), b = TestUtil.Random(16, 3);
                float[] y = new float[batch * d.OutputSampleLength], dx = new float[x.Length], dwt = new float[w.Length], db = new float[16];
                float[] ws = TestUtil.Random(small.WeightLength, 4), xs = TestUtil.Random(batch * small.InputSampleLength, 5), ys = new float[batch * small.OutputSampleLength];
                float[] wd = TestUtil.Random(dw.WeightLength, 6), gwd = new float[dw.WeightLength], yd = new float[batch * dw.OutputSampleLength];
                var pool2 = Pool2DDescriptor.Square(16, 12, 12, 2);
                float[] pooled = new float[batch * pool2.OutputSampleLength];
                int[] idx = new int[pooled.Length];
                float[] gamma = TestUtil.Random(16, 7), beta = TestUtil.Random(16, 8), rm = new float[16], rv = new float[16], sm = new float[16], si = new float[16];
                float[] logits = TestUtil.Random(batch * 10, 9), grad = new float[logits.Length];
                int[] labels = { 1, 2, 3 };
                float[] dy = TestUtil.Random(batch * d.OutputSampleLength, 11), dense = new float[batch * 10], dw2 = TestUtil.Random(10 * d.OutputSampleLength, 10);

                var steps = new (string Name, Action Run)[]
                {
                    ("plan.Forward", () => plan.Forward(x, w, b, y, batch)),
                    ("plan.Backward", () => plan.Backward(x, w, y, dx, dwt, db, batch)),
                    ("smallPlan.Forward", () => smallPlan.Forward(xs, ws, default, ys, batch)),
                    ("dwPlan.Forward", () => dwPlan.Forward(x, wd, default, yd, batch)),
                    ("dwPlan.Backward", () => dwPlan.Backward(x, wd, yd, dx, gwd, default, batch)),
                    ("Pooling.MaxForward", () => Pooling.MaxForward(pool2, y, pooled, idx, batch)),
                    ("Pooling.MaxBackward", () => Pooling.MaxBackward(pool2, default, idx, pooled, y, batch)),
                    ("BatchNorm.TrainingForward", () => BatchNorm.TrainingForward(y, y, batch, 16, 144, gamma, beta, rm, rv, 0.1f, 1e-5f, sm, si)),
                    ("BatchNorm.TrainingBackward", () => BatchNorm.TrainingBackward(y, dy, dy, batch, 16, 144, gamma, sm, si, db, rm)),
                    ("BatchNorm.Inference", () => BatchNorm.Inference(y, y, batch, 16, 144, gamma, beta, rm, rv, 1e-5f, Activation.Relu)),
                    ("Activations.Forward", () => Activations.Forward(Activation.Gelu, y)),
                    ("Dense.Forward", () => Dense.Forward(y, dw2, default, dense, batch, d.OutputSampleLength, 10, Activation.Tanh)),
                    ("Softmax.Forward", () => Softmax.Forward(dense, logits, batch, 10)),
                    ("Softmax.CrossEntropy", () => Softmax.CrossEntropy(logits, labels, batch, 10, grad)),
                    ("Gemm.Multiply", () => Gemm.Multiply(false, true, 30, 20, 40, 1f, x, 40, w, 40, 0f, dx, 20)),
                };
                var results = new long[steps.Length];
                foreach (var step in steps)
                {
                    step.Run(); // first call of the shape: scratch may grow
                }

                for (int rep = 0; rep < 2; rep++)
                {
                    for (int i = 0; i < steps.Length; i++)
                    {
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        steps[i].Run();
                        results[i] += GC.GetAllocatedBytesForCurrentThread() - before;
                    }
                }

                for (int i = 0; i < steps.Length; i++)
                {
                    Assert.True(results[i] == 0, $"{steps[i].Name} allocated {results[i]} bytes in two calls");
                }
            }
            finally
            {
                CpuWorkerPool.MakeCurrent(null);
            }
        }
    }
}
