import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { NewConfigForm } from './new-config-form';

describe('NewConfigForm', () => {
  it('rejects a bad disk spec on its field with xl’s message and sends nothing', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch(() => jsonResponse(201, {}));
    renderWithProviders(<NewConfigForm />);
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web2');
    await user.type(screen.getByRole('textbox', { name: 'Kernel' }), '/boot/vmlinuz');
    await user.click(screen.getByRole('button', { name: 'Add disk spec' }));
    await user.type(screen.getByRole('textbox', { name: 'Disk 1' }), '/dev/vg0/web2,xvda');
    await user.click(screen.getByRole('button', { name: 'Create config' }));

    expect(await screen.findByText(/unknown value for format: near `xvda'/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Disk 1' })).toHaveAttribute('aria-invalid', 'true');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('shows the formatted file as a live preview, and posts the model', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'POST'
        ? jsonResponse(201, {
            name: 'web2',
            path: '/etc/xen/web2.cfg',
            etag: `"${'d'.repeat(32)}"`,
          })
        : jsonResponse(200, []),
    );
    renderWithProviders(<NewConfigForm />);
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web2');
    await user.type(screen.getByRole('textbox', { name: 'Kernel' }), '/boot/vmlinuz');
    await user.type(screen.getByRole('textbox', { name: 'Logical volume' }), 'web2-disk');
    await user.click(screen.getByRole('button', { name: 'Add LVM disk' }));
    expect(screen.getByRole('textbox', { name: 'Disk 1' })).toHaveValue(
      'format=raw, vdev=xvda, access=rw, target=/dev/vg0/web2-disk',
    );

    const preview = screen.getByTestId('new-config-preview');
    expect(preview.textContent).toBe(
      [
        "name = 'web2'",
        "type = 'pvh'",
        'memory = 1024',
        'vcpus = 1',
        "kernel = '/boot/vmlinuz'",
        "disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg0/web2-disk' ]",
        "vif = [ 'bridge=xenbr0' ]",
        '',
      ].join('\n'),
    );

    await user.click(screen.getByRole('button', { name: 'Create config' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'web2',
      model: {
        type: 'pvh',
        memoryMiB: 1024,
        vcpus: 1,
        kernel: '/boot/vmlinuz',
        disk: ['format=raw, vdev=xvda, access=rw, target=/dev/vg0/web2-disk'],
        vif: ['bridge=xenbr0'],
      },
    });
  });

  it('turns an HVM ISO into a read-only hdc CD-ROM and boot = d', async () => {
    const user = userEvent.setup();
    mockFetch(() => jsonResponse(200, []));
    renderWithProviders(<NewConfigForm />);
    await user.click(screen.getByRole('radio', { name: 'HVM' }));
    await user.type(
      screen.getByRole('textbox', { name: 'Installer ISO (optional)' }),
      '/srv/iso/d.iso',
    );
    const preview = screen.getByTestId('new-config-preview').textContent ?? '';
    expect(preview).toContain('vdev=hdc, access=ro, devtype=cdrom, target=/srv/iso/d.iso');
    expect(preview).toContain("boot = 'd'");
    expect(preview).toContain('vnc = 1');
  });

  it('refuses an LVM name LVM reserves, with the api’s rule, and adds nothing', async () => {
    const user = userEvent.setup();
    mockFetch(() => jsonResponse(200, []));
    renderWithProviders(<NewConfigForm />);
    await user.type(screen.getByRole('textbox', { name: 'Logical volume' }), 'snapshot1');
    expect(
      await screen.findByText(/does not start with "snapshot" or "pvmove"/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add LVM disk' })).toBeDisabled();
  });
});
